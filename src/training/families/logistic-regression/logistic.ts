import type { FitData } from "../../train/classic/data.js";

export interface LinearModel {
  /** [d, m] kernel, m = 1 (binary, sigmoid) or k (softmax). */
  kernel: Float64Array;
  bias: Float64Array;
  m: number;
  iterations: number;
}

interface Options {
  penalty: "l1" | "l2" | "none";
  C: number;
  maxIter: number;
  tol: number;
}

/**
 * Logistic regression (or, for a numeric target, k = 0, least squares: the lasso with L1) as scikit-learn states it: minimize C * sum_i w_i logloss_i + R(W), with
 * R = |W|_1 or |W|^2 / 2 (the bias unpenalized). Divided by C * sum(w) that is the mean log loss
 * plus lambda R, lambda = 1 / (C sum(w)), solved by FISTA with backtracking (Beck & Teboulle,
 * SIAM J. Imaging Sci. 2, 2009), the L1 part through its proximal step (soft thresholding).
 */
export function fitLogistic(data: FitData, opts: Options): LinearModel {
  const { n, d, x, y, k } = data;
  const m = k === 2 || k === 0 ? 1 : k;
  const weightSum = data.weight ? data.weight.reduce((a, b) => a + b, 0) : n;
  const lambda = opts.penalty === "none" ? 0 : 1 / (opts.C * weightSum);
  const size = (d + 1) * m; // kernel [d, m], then the bias [m]
  const smooth = (theta: Float64Array, grad?: Float64Array) =>
    loss(data, m, theta, weightSum, grad) + (opts.penalty === "l2" ? l2(theta, d * m, lambda, grad) : 0);
  const prox = (v: Float64Array, step: number) => {
    if (opts.penalty !== "l1") return v;
    const t = lambda * step;
    for (let j = 0; j < d * m; j++) v[j] = Math.sign(v[j]!) * Math.max(0, Math.abs(v[j]!) - t);
    return v;
  };
  const objective = (theta: Float64Array) => smooth(theta) + (opts.penalty === "l1" ? lambda * l1(theta, d * m) : 0);

  let theta: Float64Array = new Float64Array(size);
  let momentum: Float64Array = theta.slice();
  let t = 1;
  let lipschitz = 1;
  let previous = objective(theta);
  const grad = new Float64Array(size);
  let iter = 0;
  for (; iter < opts.maxIter; iter++) {
    const fy = smooth(momentum, grad.fill(0));
    let next: Float64Array = momentum;
    for (;;) {
      next = prox(
        momentum.map((v, j) => v - grad[j]! / lipschitz),
        1 / lipschitz,
      );
      let lin = 0;
      let dist = 0;
      for (let j = 0; j < size; j++) {
        const step = next[j]! - momentum[j]!;
        lin += grad[j]! * step;
        dist += step * step;
      }
      if (smooth(next) <= fy + lin + (lipschitz / 2) * dist + 1e-12 || lipschitz > 1e12) break;
      lipschitz *= 2;
    }
    const value = objective(next);
    // Monotone FISTA: an increase restarts the momentum from the better point.
    if (value > previous) {
      momentum = theta.slice();
      t = 1;
      continue;
    }
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    momentum = next.map((v, j) => v + ((t - 1) / tNext) * (v - theta[j]!));
    theta = next;
    t = tNext;
    const done = previous - value <= opts.tol * Math.max(1, Math.abs(value));
    previous = value;
    if (done) break;
    lipschitz = Math.max(1e-6, lipschitz / 1.5); // let the step grow again
  }
  return {
    kernel: Float64Array.from(theta.subarray(0, d * m)),
    bias: Float64Array.from(theta.subarray(d * m)),
    m,
    iterations: Math.min(iter + 1, opts.maxIter),
  };
}

/** Scores x W + b of row i into `out` (m values). */
function logits(x: Float32Array, d: number, m: number, theta: Float64Array, i: number, out: Float64Array): void {
  for (let c = 0; c < m; c++) out[c] = theta[d * m + c]!;
  const base = i * d;
  for (let j = 0; j < d; j++) {
    const v = x[base + j]!;
    if (v === 0) continue;
    for (let c = 0; c < m; c++) out[c]! += v * theta[j * m + c]!;
  }
}

/** Mean (weighted) log loss, and its gradient added into `grad` when given. */
function loss(data: FitData, m: number, theta: Float64Array, weightSum: number, grad?: Float64Array): number {
  const { n, d, x, y } = data;
  const z = new Float64Array(m);
  const r = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = (data.weight ? data.weight[i]! : 1) / weightSum;
    logits(x, d, m, theta, i, z);
    const label = y[i]!;
    if (data.k === 0) {
      const e = z[0]! - label;
      total += w * 0.5 * e * e;
      r[0] = w * e;
    } else if (m === 1) {
      // log(1 + e^z) - y z, computed without overflow.
      const s = z[0]!;
      total += w * (Math.max(s, 0) + Math.log1p(Math.exp(-Math.abs(s))) - label * s);
      r[0] = w * (1 / (1 + Math.exp(-s)) - label);
    } else {
      let max = -Infinity;
      for (let c = 0; c < m; c++) max = Math.max(max, z[c]!);
      let sum = 0;
      for (let c = 0; c < m; c++) sum += Math.exp(z[c]! - max);
      total += w * (max + Math.log(sum) - z[label]!);
      for (let c = 0; c < m; c++) r[c] = w * (Math.exp(z[c]! - max) / sum - (c === label ? 1 : 0));
    }
    if (!grad) continue;
    const base = i * d;
    for (let j = 0; j < d; j++) {
      const v = x[base + j]!;
      if (v === 0) continue;
      for (let c = 0; c < m; c++) grad[j * m + c]! += v * r[c]!;
    }
    for (let c = 0; c < m; c++) grad[d * m + c]! += r[c]!;
  }
  return total;
}

function l2(theta: Float64Array, count: number, lambda: number, grad?: Float64Array): number {
  let s = 0;
  for (let j = 0; j < count; j++) {
    s += theta[j]! ** 2;
    if (grad) grad[j]! += lambda * theta[j]!;
  }
  return (lambda / 2) * s;
}

function l1(theta: Float64Array, count: number): number {
  let s = 0;
  for (let j = 0; j < count; j++) s += Math.abs(theta[j]!);
  return s;
}
