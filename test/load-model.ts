/**
 * Loads a downloaded TF.js layers model (model.json + its weight files) from a folder, as
 * `tf.loadLayersModel("file://...")` does with tfjs-node, but on any backend.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tf, tfl } from "../src/training/engine/tf.js";
import { initBackend } from "../src/training/engine/backend.js";

export async function loadFromDisk(modelJsonPath: string): Promise<tfl.LayersModel> {
  await initBackend((process.env.TFJS_BACKEND ?? "auto") as Parameters<typeof initBackend>[0]);
  const json = JSON.parse(readFileSync(modelJsonPath, "utf8"));
  const files = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths) as string[];
  const bytes = Buffer.concat(files.map((f) => readFileSync(join(dirname(modelJsonPath), f))));
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    }),
  );
}
