import { tf, type tfl } from "../engine/tf.js";
import type { OutputMode } from "../spec/output-plan.js";
import type { InputGroup } from "../data/encoding.js";

/** Rows predicted at once. */
const PREDICT_ROWS = 16_384;

/**
 * Runs the network on encoded rows. Classification returns class probabilities [n, K] (a sigmoid
 * unit p becomes [1 - p, p]); regression returns the values [n, 1].
 */
export function predictMatrix(
  model: tfl.LayersModel,
  x: Float32Array,
  n: number,
  groups: InputGroup[],
  mode: OutputMode,
): { values: Float32Array; width: number } {
  if (n === 0) return { values: new Float32Array(0), width: mode === "linear" ? 1 : 0 };
  const inputs = groups.reduce((w, g) => w + g.width, 0);
  // In pieces: the backend (a wasm heap never shrinks) holds one piece of rows at a time, not all.
  let raw = new Float32Array(0);
  let width = 0;
  for (let start = 0; start < n; start += PREDICT_ROWS) {
    const size = Math.min(PREDICT_ROWS, n - start);
    const out = tf.tidy(() => {
      const xs = inputTensors(x.subarray(start * inputs, (start + size) * inputs), size, inputs, groups);
      return model.predict(xs.length === 1 ? xs[0]! : xs, { batchSize: size }) as tf.Tensor2D;
    });
    width = out.shape[1];
    if (raw.length === 0) raw = new Float32Array(n * width);
    raw.set(out.dataSync() as Float32Array, start * width);
    out.dispose();
  }
  if (mode !== "sigmoid") return { values: raw, width };
  const values = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    values[2 * i] = 1 - raw[i]!;
    values[2 * i + 1] = raw[i]!;
  }
  return { values, width: 2 };
}

/** The model's input tensors: one per input group, cut from the encoded row-major matrix. */
export function inputTensors(x: Float32Array, n: number, width: number, groups: InputGroup[]): tf.Tensor2D[] {
  return tf.tidy(() => {
    const all = tf.tensor2d(x, [n, width]);
    return groups.length === 1 ? [all] : groups.map((g) => tf.slice(all, [0, g.start], [n, g.width]));
  });
}

export { argmax } from "./argmax.js";
