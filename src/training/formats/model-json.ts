import { createRequire } from "node:module";
import type { WeightsManifestEntry } from "@tensorflow/tfjs-core/dist/io/types.js";

/** What is stored for a trained network: the TF.js layers-model artifacts, as bytes and JSON. */
export interface StoredArtifacts {
  topology: object;
  weightSpecs: WeightsManifestEntry[];
  weightData: Buffer;
}

/** File name of the weights next to model.json; relative, so tf.loadLayersModel(url) finds it. */
export const WEIGHTS_FILE = "weights.bin";

// Read from the package rather than imported from tfjs, so serving model.json loads no tfjs.
const LAYERS_VERSION: string = createRequire(import.meta.url)("@tensorflow/tfjs-layers/package.json").version;

/** The model.json body of the TF.js layers-model format, with our metadata. */
export function modelJson(a: StoredArtifacts, userDefinedMetadata: object): Record<string, unknown> {
  return {
    format: "layers-model",
    generatedBy: `TensorFlow.js tfjs-layers v${LAYERS_VERSION}`,
    convertedBy: null,
    modelTopology: a.topology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs }],
    userDefinedMetadata,
  };
}
