/** What a baseline learns from: encoded rows (row-major [n, d]) and their targets. */
export interface FitData {
  n: number;
  d: number;
  x: Float32Array;
  /** Class index per row, or the standardized target for regression. */
  y: Float64Array;
  /** Classes; 0 for regression. */
  k: number;
  weight?: Float32Array;
}

/** Scores of n rows: class probabilities [n, k], or values [n, 1] for regression. */
export interface Scores {
  values: Float32Array;
  width: number;
}

/** Row i of a row-major matrix. */
export const row = (x: Float32Array, d: number, i: number) => x.subarray(i * d, (i + 1) * d);

/** Class frequencies (weighted), normalized. */
export function classPriors(y: Float64Array, k: number, weight?: Float32Array): Float64Array {
  const p = new Float64Array(k);
  let total = 0;
  y.forEach((c, i) => {
    const w = weight ? weight[i]! : 1;
    p[c]! += w;
    total += w;
  });
  return p.map((v) => v / (total || 1));
}
