/**
 * The ELM's hidden layer over rows, block by block: H = act(x W + b) from the tfjs layers the
 * model exports (hidden.ts), or in BLAS through the native addon for a one-layer dense ELM.
 */
import { tf, type tfl } from "../../engine/tf.js";
import { TrainingError } from "../../spec/training-error.js";
import { nativeAddon } from "../../engine/native.js";
import { HARDLIM_SLOPE } from "./hidden.js";
import type { RandomLayer } from "./random-layers.js";

/** Rows to fit on: x row-major [n, inputs], t the targets row-major [n, k]. */
export interface ElmData {
  n: number;
  x: Float32Array;
  t: Float32Array;
}

/** The random layers' model and how to run it over rows: block size, and the fit's deadline. */
export interface HiddenPass {
  model: tfl.LayersModel;
  inputs: number;
  blockRows: number;
  /** Epoch ms past which the fit fails with time_limit; checked after every block. */
  deadline: number;
  /** Set when H is computed by the native addon instead of the tfjs model. */
  native?: { act: number; units: number; weights: Float32Array; bias: Float32Array };
}

/** H of some rows, in blocks: calls fn(rows' H, their targets, first row, row count) per block; fn must not keep the arrays. */
export async function eachBlock(
  pass: HiddenPass,
  data: ElmData,
  rows: number[] | undefined,
  fn: (h: Float32Array, t: Float32Array, start: number, size: number) => void,
) {
  const { model: hidden, inputs, blockRows, deadline, native } = pass;
  const k = data.t.length / data.n;
  const order = rows ?? Array.from({ length: data.n }, (_, i) => i);
  // One set of block buffers, reused: fresh 20 MB arrays per block cost their page faults each time.
  const rowsPerBlock = Math.min(blockRows, order.length);
  const xAll = new Float32Array(rowsPerBlock * inputs);
  const tAll = new Float32Array(rowsPerBlock * k);
  const hAll = native ? new Float32Array(rowsPerBlock * native.units) : undefined;
  for (let start = 0; start < order.length; start += blockRows) {
    const size = Math.min(blockRows, order.length - start);
    const xb = xAll.subarray(0, size * inputs);
    const tb = tAll.subarray(0, size * k);
    for (let r = 0; r < size; r++) {
      const i = order[start + r]!;
      xb.set(data.x.subarray(i * inputs, (i + 1) * inputs), r * inputs);
      tb.set(data.t.subarray(i * k, (i + 1) * k), r * k);
    }
    if (native) {
      const h = hAll!.subarray(0, size * native.units);
      nativeAddon()!.hiddenDense(xb, size, inputs, native.weights, native.bias, native.units, native.act, h);
      fn(h, tb, start, size);
    } else {
      const h = tf.tidy(() => hidden.predict(tf.tensor2d(xb, [size, inputs]), { batchSize: size }) as tf.Tensor2D);
      const values = h.dataSync() as Float32Array;
      h.dispose();
      fn(values, tb, start, size);
    }
    await new Promise((r) => setImmediate(r));
    if (Date.now() > deadline)
      throw new TrainingError(
        "time_limit",
        "the ELM ran out of training.maxSeconds (or MAX_JOB_SECONDS) while computing its hidden layer: use fewer nodes or rows, or allow more time",
      );
  }
}

/**
 * Output scores H beta of n rows (x: n x inputs), computed in BLAS as the exported linear model
 * computes them in tfjs (float32); undefined where the native addon cannot (then use tfjs).
 */
export function nativeScores(
  fit: { layers: RandomLayer[]; beta: Float64Array },
  x: Float32Array,
  n: number,
  inputs: number,
  k: number,
): Float32Array | undefined {
  const native = nativeHidden(fit.layers);
  const addon = nativeAddon();
  if (!native || !addon) return undefined;
  const beta = Float32Array.from(fit.beta);
  const out = new Float32Array(n * k);
  const block = 8192;
  const h = new Float32Array(Math.min(block, n) * native.units);
  const scores = new Float32Array(Math.min(block, n) * k);
  for (let start = 0; start < n; start += block) {
    const rows = Math.min(block, n - start);
    addon.hiddenDense(x.subarray(start * inputs, (start + rows) * inputs), rows, inputs, native.weights, native.bias, native.units, native.act, h);
    addon.matmulLeading(h, rows, native.units, native.units, beta, k, scores);
    out.set(scores.subarray(0, rows * k), start * k);
  }
  return out;
}

/**
 * The training rows' scores from the H the fit kept (ElmFit.trainHidden): H[:, :units] beta in
 * float32 as nativeScores computes them, without computing H again. Undefined when none was kept.
 */
export function keptScores(fit: { units: number; beta: Float64Array; trainHidden?: { h: Float32Array; units: number } }, k: number): Float32Array | undefined {
  const kept = fit.trainHidden;
  const addon = nativeAddon();
  if (!kept || !addon) return undefined;
  const n = kept.h.length / kept.units;
  const out = new Float32Array(n * k);
  addon.matmulLeading(kept.h, n, kept.units, fit.units, Float32Array.from(fit.beta), k, out);
  return out;
}

/** hiddenDense's code per node function; rbf and stacked layers run through tfjs. */
const NATIVE_ACT: Partial<Record<RandomLayer["activation"], number>> = { sigmoid: 0, tanh: 1, relu: 2, sine: 3, hardlim: 4 };

/** A one-layer dense ELM's hidden pass in BLAS, with the weights the tfjs layers hold (hidden.ts). */
export function nativeHidden(layers: RandomLayer[]): HiddenPass["native"] {
  const layer = layers[0];
  const act = layer && NATIVE_ACT[layer.activation];
  if (!layer || layers.length !== 1 || act === undefined || !nativeAddon()) return undefined;
  const slope = layer.activation === "hardlim" ? HARDLIM_SLOPE : 1;
  return { act, units: layer.units, weights: layer.weights.map((w) => w * slope), bias: layer.bias.map((b) => b * slope) };
}

/** H of some rows, whole (validation scoring and the dual form for n < units). */
export async function hiddenOf(pass: HiddenPass, data: ElmData, units: number, rows?: number[]): Promise<Float32Array> {
  const n = rows?.length ?? data.n;
  const out = new Float32Array(n * units);
  await eachBlock(pass, data, rows, (h, _t, start) => out.set(h, start * units));
  return out;
}
