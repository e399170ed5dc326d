/**
 * Small dense linear algebra in float64, for the ELM's normal equations. Matrices are row-major
 * Float64Arrays. LAPACK's Cholesky (dposv) when the native addon is built; this JavaScript one else.
 */
import { nativeAddon } from "../../engine/native.js";

/** The leading m x m block of an n x n matrix (or the first m rows of an n x k one). */
export function leadingBlock(a: Float64Array, cols: number, m: number, k = m): Float64Array {
  const out = new Float64Array(m * k);
  for (let i = 0; i < m; i++) out.set(a.subarray(i * cols, i * cols + k), i * k);
  return out;
}

/** In place lower Cholesky factor of a symmetric matrix; false when it is not positive definite. */
function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2;
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L L^T X = B for X (n x k), L the lower factor in `l`. */
function cholSolve(l: Float64Array, n: number, b: Float64Array, k: number): Float64Array {
  const x = Float64Array.from(b);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) {
      let s = x[i * k + c]!;
      for (let j = 0; j < i; j++) s -= l[i * n + j]! * x[j * k + c]!;
      x[i * k + c] = s / l[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * k + c]!;
      for (let j = i + 1; j < n; j++) s -= l[j * n + i]! * x[j * k + c]!;
      x[i * k + c] = s / l[i * n + i]!;
    }
  }
  return x;
}

export interface RidgeSolution {
  x: Float64Array;
  /** The ridge actually used: raised when alpha left the system numerically singular. */
  alpha: number;
}

/**
 * Solves (A + alpha I) X = B for symmetric positive semi-definite A (n x n), B (n x k), by
 * Cholesky after symmetrizing A (rounding in the accumulation can leave it slightly
 * asymmetric). If the factorization fails, alpha is raised tenfold (from at least 1e-10 of the
 * mean diagonal) up to eight times; undefined when even that fails.
 */
export function solveRidge(a: Float64Array, n: number, b: Float64Array, k: number, alpha: number): RidgeSolution | undefined {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i]!;
  let ridge = alpha;
  for (let attempt = 0; attempt < 9; attempt++) {
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = (a[i * n + j]! + a[j * n + i]!) / 2;
        m[i * n + j] = v;
        m[j * n + i] = v;
      }
      m[i * n + i]! += ridge;
    }
    const native = nativeAddon();
    if (native) {
      const x = Float64Array.from(b);
      if (native.solveSpd(m, n, x, k)) return { x, alpha: ridge };
    } else if (cholesky(m, n)) {
      const x = cholSolve(m, n, b, k);
      if (x.every(Number.isFinite)) return { x, alpha: ridge };
    }
    ridge = Math.max(ridge * 10, (1e-10 * trace) / Math.max(n, 1), 1e-12);
  }
  return undefined;
}
