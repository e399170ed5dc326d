/**
 * The native addon (native/mlp, built at install against the machine's OpenBLAS): the fast
 * path's training step and the ELM's BLAS/LAPACK products. Absent where it could not be built;
 * every caller then has a tfjs or JavaScript path that computes the same thing.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export interface NativeAddon {
  create(spec: object): object;
  /** One step on rows order[start..start+size) of each model input in `x`. */
  trainBatch(
    h: object,
    x: Float32Array[],
    y: Float32Array,
    w: Float32Array | null,
    order: Int32Array,
    start: number,
    size: number,
    lr: number,
    out: Float64Array,
  ): void;
  evaluate(h: object, x: Float32Array[], y: Float32Array, n: number, out: Float64Array): void;
  reseed(h: object, seed: number): void;
  iterations(h: object): number;
  /** a += H^T H (lower triangle only), b += H^T T: float32 products summed into float64. */
  gramAccumulate(h: Float32Array, rows: number, units: number, t: Float32Array, k: number, a: Float64Array, b: Float64Array): void;
  /** Solves A X = B in place (B becomes X) by Cholesky; false if A is not positive definite. */
  solveSpd(a: Float64Array, n: number, b: Float64Array, k: number): boolean;
  /** out = H[:, :m] W in float32. */
  matmulLeading(h: Float32Array, rows: number, units: number, m: number, w: Float32Array, k: number, out: Float32Array): void;
  /** out = H[:, :m] W in float64. */
  matmulLeading64(h: Float32Array, rows: number, units: number, m: number, w: Float64Array, k: number, out: Float64Array): void;
  /** out = act(x W + b); act 0 sigmoid, 1 tanh, 2 relu, 3 sine, 4 hardlim (hardSigmoid of the scaled z). */
  hiddenDense(x: Float32Array, rows: number, inputs: number, w: Float32Array, b: Float32Array, units: number, act: number, out: Float32Array): void;
}

let addon: NativeAddon | null | undefined;
let enabled = true;

/** The addon, or null where it was not built or FAST_PATH=off. */
export function nativeAddon(): NativeAddon | null {
  if (!enabled) return null;
  if (addon === undefined) {
    try {
      addon = createRequire(import.meta.url)(fileURLToPath(new URL("../../../native/mlp/build/Release/treino_mlp.node", import.meta.url))) as NativeAddon;
    } catch {
      addon = null;
    }
  }
  return addon;
}

/** FAST_PATH=off: everything through tfjs and JavaScript (set once per process, from config). */
export function setFastPath(on: boolean): void {
  enabled = on;
}
