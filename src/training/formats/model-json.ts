import { createRequire } from "node:module";
import type { WeightsManifestEntry } from "@tensorflow/tfjs-core/dist/io/types.js";
import { z } from "zod";

/** What is stored for a trained network: the TF.js layers-model artifacts, as bytes and JSON. */
export interface StoredArtifacts {
  topology: object;
  weightSpecs: WeightsManifestEntry[];
  weightData: Buffer;
}

/** tfjs's weight manifest entries as we store them (Model.weightSpecs): names, shapes, dtypes. */
const WeightSpecsSchema = z.array(
  z.object({
    name: z.string(),
    shape: z.array(z.number().int().min(0)),
    dtype: z.enum(["float32", "int32", "bool", "string", "complex64"]),
  }),
);

/** A stored model's weight manifest, parsed (a row from another version fails here, not in tfjs). */
export function readWeightSpecs(json: unknown): WeightsManifestEntry[] {
  return WeightSpecsSchema.parse(json);
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
