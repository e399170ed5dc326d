/**
 * What an export costs on the API: the reference MLP (100 inputs, Dense 256-256-10, 94,218
 * parameters) as a Keras 3 archive and as ONNX (with 100 numeric columns' preprocessing), against
 * tfjs's own serialization of the same model (model.save to memory) in the same run.
 * Run alone: `node --import tsx bench/exports.ts`.
 */
import { fileURLToPath } from "node:url";
import { tfl } from "../src/training/engine/tf.js";
import { initBackend } from "../src/training/engine/backend.js";
import { toArtifacts } from "../src/training/formats/tfjs.js";
import { kerasArchive } from "../src/training/formats/keras3.js";
import { onnxModel } from "../src/training/formats/onnx.js";
import type { Preprocessing } from "../src/training/data/encoding.js";

async function time<T>(run: () => Promise<T> | T, repeats = 5): Promise<{ ms: number; result: T }> {
  let result = await run(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) result = await run();
  return { ms: (performance.now() - t0) / repeats, result };
}

export async function benchExports() {
  await initBackend("auto");
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [100], units: 256, activation: "relu" }),
      tfl.layers.dense({ units: 256, activation: "relu" }),
      tfl.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  const names = Array.from({ length: 100 }, (_, i) => `x${i}`);
  const prep = {
    version: 2,
    features: names.map((name) => ({ name, kind: "numeric", scaling: "standardize", missing: "mean", offset: 0, divisor: 1, fill: 0 })),
    inputs: names,
    groups: [{ name: "input", columns: names, encoding: "onehot", start: 0, width: 100 }],
    target: { name: "y", task: "classification", labels: Array.from({ length: 10 }, (_, i) => String(i)) },
    outputMode: "softmax",
  } as unknown as Preprocessing & { outputMode: "softmax" };
  const tfjs = await time(() => toArtifacts(model));
  const keras = await time(() => kerasArchive(model, tfjs.result.topology as never));
  const onnx = await time(() => onnxModel(model, tfjs.result.topology as never, prep, {}));
  model.dispose();
  return {
    params: 100 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10,
    tfjsSave: { ms: +tfjs.ms.toFixed(2), bytes: tfjs.result.weightData.length },
    keras: { ms: +keras.ms.toFixed(2), bytes: keras.result.length, ratio: +(keras.ms / tfjs.ms).toFixed(2) },
    onnx: { ms: +onnx.ms.toFixed(2), bytes: onnx.result.length, ratio: +(onnx.ms / tfjs.ms).toFixed(2) },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await benchExports(), null, 2));
