import { tf } from "../../engine/tf.js";
import { TrainingError } from "../../spec/training-error.js";
import { candidateSizes, type ElmSpec } from "./spec.js";
import { kFolds } from "../../data/split.js";
import { hiddenModel } from "./hidden.js";
import { eachBlock, hiddenOf, nativeHidden, type ElmData, type HiddenPass } from "./hidden-pass.js";
import { leadingBlock, solveRidge } from "./linalg.js";
import { nativeAddon } from "../../engine/native.js";
import { firstNodes, randomLayers, type RandomLayer } from "./random-layers.js";

export type { ElmData };
export { keptScores, nativeScores } from "./hidden-pass.js";

export interface ElmFit {
  layers: RandomLayer[];
  /** Output weights [units, k] of the chosen size. */
  beta: Float64Array;
  units: number;
  alpha: number;
  /** Each candidate size with its validation (or CV) score, when searched. */
  search: Array<SizeScore & { hiddenUnits: number }>;
  /** Seconds per phase, for the job's metrics and the benchmark. */
  seconds: Record<string, number>;
  warnings: string[];
  /**
   * H of the training rows [train.n x every candidate node], when the fit computed it whole and it
   * is at most KEEP_HIDDEN_BYTES: the scores to calibrate on are then one product with beta.
   */
  trainHidden?: { h: Float32Array; units: number };
}

/** Largest training H the fit keeps for calibration (18,000 rows x 1,000 nodes is 72 MB). */
const KEEP_HIDDEN_BYTES = 128 * 2 ** 20;

/** Scores candidates: higher is better (accuracy, or R^2 for regression); loss is the MSE. */
export type Scorer = (pred: Float64Array, rows: number[]) => { score: number; loss: number };

/** A size's mean score and loss on held-out rows, and each fold's score there and on (a sample of) its training rows. */
export interface SizeScore {
  score: number;
  loss: number;
  folds: number[];
  train: number[];
}

/** Training rows a size's training score is taken on, at most (evenly spaced, the same every run). */
const TRAIN_SCORE_ROWS = 2_000;
const spaced = (rows: number[]) =>
  rows.length <= TRAIN_SCORE_ROWS ? rows : Array.from({ length: TRAIN_SCORE_ROWS }, (_, i) => rows[Math.floor((i * rows.length) / TRAIN_SCORE_ROWS)]!);

export interface ElmRun {
  inputs: number;
  k: number;
  train: ElmData;
  /** Rows to choose the size on (search by: validation). */
  validation?: ElmData;
  score: Scorer;
  /** Reports a candidate; return false to stop (cancel). */
  onCandidate(step: number, logs: Record<string, number>): Promise<boolean>;
  /** Epoch ms past which the fit fails with time_limit (checked at every block of rows). */
  deadline?: number;
}

const clock = () => performance.now() / 1000;

/**
 * Accumulates A = H^T H and B = H^T T block by block, so H is never whole in memory: with BLAS's
 * ssyrk where the native addon is built, else tfjs's matMul (docs/notes/cpu-compute.md).
 */
async function normalEquations(pass: HiddenPass, data: ElmData, units: number, rows?: number[], head?: Float32Array) {
  const k = data.t.length / data.n;
  const a = new Float64Array(units * units);
  const b = new Float64Array(units * k);
  // The first rows' H, kept for the float32 check instead of computing it again.
  const keep = (h: Float32Array, start: number) => {
    if (head && start * units < head.length) head.set(h.subarray(0, Math.min(h.length, head.length - start * units)), start * units);
  };
  const native = nativeAddon();
  if ((rows?.length ?? data.n) * units * units <= FLOAT64_WORK) {
    await eachBlock(pass, data, rows, (h, t, start) => {
      keep(h, start);
      accumulate64(h, t, units, k, a, b);
    });
    return { a, b };
  }
  if (native) {
    await eachBlock(pass, data, rows, (h, t, start, size) => {
      keep(h, start);
      native.gramAccumulate(h, size, units, t, k, a, b); // lower triangle
    });
    for (let i = 0; i < units; i++) for (let j = 0; j < i; j++) a[j * units + i] = a[i * units + j]!;
    return { a, b };
  }
  await eachBlock(pass, data, rows, (h, t, start, size) => {
    keep(h, start);
    tf.tidy(() => {
      const hm = tf.tensor2d(h, [size, units]);
      // H^T formed explicitly: tfjs-wasm multiplies non-transposed operands on its fast path only.
      const ht = tf.transpose(hm);
      const ab = tf.matMul(ht, hm).dataSync();
      const bb = tf.matMul(ht, tf.tensor2d(t, [size, k])).dataSync();
      for (let i = 0; i < ab.length; i++) a[i]! += ab[i]!;
      for (let i = 0; i < bb.length; i++) b[i]! += bb[i]!;
    });
  });
  return { a, b };
}

/**
 * Below this many multiply-adds (rows x units^2) H^T H is summed in float64 in JS, exactly up to
 * float64 rounding and independent of the blocking (~0.3 s at the limit); above it, tfjs's
 * float32 products are summed per block, where the statistical error dwarfs the rounding.
 */
const FLOAT64_WORK = 2e8;

function accumulate64(h: Float32Array, t: Float32Array, units: number, k: number, a: Float64Array, b: Float64Array): void {
  const rows = h.length / units;
  for (let r = 0; r < rows; r++) {
    const o = r * units;
    for (let i = 0; i < units; i++) {
      const hi = h[o + i]!;
      if (hi === 0) continue;
      const ai = i * units;
      for (let j = 0; j <= i; j++) a[ai + j]! += hi * h[o + j]!;
      for (let c = 0; c < k; c++) b[i * k + c]! += hi * t[r * k + c]!;
    }
  }
  for (let i = 0; i < units; i++) for (let j = 0; j < i; j++) a[j * units + i] = a[i * units + j]!;
}

/** H[:, :m] beta in float64: dgemm where the native addon is built, else predictWith. */
function exactScores(h: Float32Array, n: number, units: number, m: number, beta: Float64Array, k: number): Float64Array {
  const native = nativeAddon();
  if (!native) return predictWith(h, n, units, m, beta, k);
  const out = new Float64Array(n * k);
  native.matmulLeading64(h, n, units, m, beta, k, out);
  return out;
}

/** Predictions H[:, :m] beta for rows of H (n x units, row-major). */
function predictWith(h: Float32Array, n: number, units: number, m: number, beta: Float64Array, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const hij = h[i * units + j]!;
      if (hij === 0) continue;
      for (let c = 0; c < k; c++) out[i * k + c]! += hij * beta[j * k + c]!;
    }
  }
  return out;
}

/**
 * Predictions as the exported model computes them: float32 weights, float32 products (tfjs).
 * Scoring candidates this way scores the function that will be downloaded; a beta with large,
 * cancelling entries is exact in float64 and noise in float32.
 */
function predict32(h: Float32Array, n: number, units: number, m: number, beta: Float64Array, k: number): Float64Array {
  const native = nativeAddon();
  if (native) {
    const out = new Float32Array(n * k);
    native.matmulLeading(h, n, units, m, Float32Array.from(beta), k, out);
    return Float64Array.from(out);
  }
  const out = tf.tidy(() => {
    const hm = tf.slice(tf.tensor2d(h, [n, units]), [0, 0], [n, m]);
    return tf.matMul(hm, tf.tensor2d(Float32Array.from(beta), [m, k]));
  });
  try {
    return Float64Array.from(out.dataSync());
  } finally {
    out.dispose();
  }
}

/** Largest difference between the float64 solution's predictions and the float32 model's. */
function float32Error(h: Float32Array, n: number, units: number, m: number, beta: Float64Array, k: number): number {
  const exact = exactScores(h, n, units, m, beta, k);
  const f32 = predict32(h, n, units, m, beta, k);
  let worst = 0;
  for (let i = 0; i < exact.length; i++) worst = Math.max(worst, Math.abs(exact[i]! - f32[i]!));
  return worst;
}

/** Targets are +-1, one-hot or standardized: an error this size moves no decision that matters. */
const FLOAT32_TOLERANCE = 1e-2;
/** Rows the float32 check runs on. */
const CHECK_ROWS = 4096;

/**
 * Ridge output weights for the first m nodes: beta = (H^T H + alpha I)^-1 H^T T from the leading
 * blocks of A and B (Huang et al. 2006; ridge as in Huang, Zhou, Ding & Zhang, IEEE SMC-B 2012).
 */
function solvePrimal(a: Float64Array, b: Float64Array, units: number, k: number, m: number, alpha: number) {
  const sol = solveRidge(leadingBlock(a, units, m), m, leadingBlock(b, k, m, k), k, alpha);
  if (!sol)
    throw new TrainingError("elm_singular", `the ELM's ${m}-node system stays singular even with a larger alpha; raise alpha or change the activation/scale`);
  return sol;
}

/** With fewer rows than nodes: beta = H^T (H H^T + alpha I)^-1 T, an n x n system. */
function solveDual(h: Float32Array, n: number, units: number, t: Float32Array, k: number, m: number, alpha: number) {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let c = 0; c < m; c++) s += h[i * units + c]! * h[j * units + c]!;
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
  }
  const sol = solveRidge(g, n, Float64Array.from(t), k, alpha);
  if (!sol) throw new TrainingError("elm_singular", `the ELM's ${n}-row dual system stays singular even with a larger alpha; raise alpha`);
  const beta = new Float64Array(m * k);
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) beta[j * k + c]! += h[i * units + j]! * sol.x[i * k + c]!;
  return { x: beta, alpha: sol.alpha };
}

/** Fits the ELM (choosing the hidden size when asked to search). Undefined when cancelled. */
export async function fitElm(spec: ElmSpec, run: ElmRun): Promise<ElmFit | undefined> {
  const { inputs, k } = run;
  const sizes = candidateSizes(spec);
  const units = sizes.at(-1)!;
  const seconds: Record<string, number> = {};
  let t0 = clock();
  const layers = randomLayers(spec, inputs, units);
  const hidden = hiddenModel(layers);
  // Small problems keep tfjs's own H, summed in float64: exact to the exported model's float32
  // (FLOAT64_WORK); large ones compute H in BLAS, where float32 rounding is noise against the fit's.
  const large = (run.train.n + (run.validation?.n ?? 0)) * units * units > FLOAT64_WORK;
  const pass: HiddenPass = {
    model: hidden,
    inputs,
    blockRows: spec.blockRows,
    deadline: run.deadline ?? Infinity,
    native: large ? nativeHidden(layers) : undefined,
  };
  seconds.randomWeights = clock() - t0;
  try {
    const search = typeof spec.hiddenUnits === "number" ? undefined : spec.hiddenUnits;
    // The rows the final fit uses: train, plus validation once the size is chosen on it.
    const all: ElmData = run.validation && search ? concat(run.train, run.validation, inputs, k) : run.train;
    const dual = all.n < units;
    const scored: ElmFit["search"] = [];
    let best = sizes[0]!;
    let equations: Equations | undefined;
    if (search) {
      t0 = clock();
      const scoredSizes = await scoreSizes(spec, run, pass, sizes, search.by === "cv" ? search.folds : 0, all);
      equations = scoredSizes.all;
      for (const [m, result] of scoredSizes.results) {
        scored.push({ hiddenUnits: m, ...result });
        const trainScore = result.train.reduce((a, b) => a + b, 0) / result.train.length;
        const keep = await run.onCandidate(scored.length - 1, { hiddenUnits: m, val_score: result.score, val_loss: result.loss, train_score: trainScore });
        if (!keep) return undefined;
      }
      best = scored.reduce((a, b) => (b.score > a.score + 1e-12 ? b : a)).hiddenUnits;
      seconds.search = clock() - t0;
    }
    t0 = clock();
    // Dual form (fewer rows than nodes): H itself; primal: H^T H and H^T T (the search may have summed them).
    let hAll: Float32Array | undefined;
    let head: Float32Array | undefined;
    if (dual) {
      hAll = await hiddenOf(pass, all, units);
      seconds.hidden = clock() - t0;
    } else {
      // Every row's H when the rows fitted are the training rows and small enough to keep (scores for calibration), else the check's rows.
      const keepAll = all === run.train && all.n * units * 4 <= KEEP_HIDDEN_BYTES;
      head = equations ? undefined : new Float32Array((keepAll ? all.n : Math.min(all.n, CHECK_ROWS)) * units);
      equations ??= await normalEquations(pass, all, units, undefined, head);
      seconds.hiddenAndGram = clock() - t0;
    }
    const solve = (alpha: number) =>
      hAll ? solveDual(hAll, all.n, units, all.t, k, best, alpha) : solvePrimal(equations!.a, equations!.b, units, k, best, alpha);
    t0 = clock();
    let solution = solve(spec.alpha);
    seconds.solve = clock() - t0;
    // The download computes in float32: if this solution is not representable there, raise the
    // ridge until it is, so the model users get is the one that was solved (and scored).
    t0 = clock();
    const checkN = Math.min(all.n, CHECK_ROWS);
    const hCheck = hAll
      ? hAll.subarray(0, checkN * units)
      : (head?.subarray(0, checkN * units) ??
        (await hiddenOf(
          pass,
          all,
          units,
          Array.from({ length: checkN }, (_, i) => i),
        )));
    const warnings: string[] = [];
    for (let raise = 0; raise < 8 && float32Error(hCheck, checkN, units, best, solution.x, k) > FLOAT32_TOLERANCE; raise++) {
      solution = solve(Math.max(solution.alpha * 10, 1e-8));
      if (raise === 0) warnings.push(`alpha ${spec.alpha} gave output weights too large for the float32 model to compute what was solved; alpha was raised`);
    }
    seconds.float32Check = clock() - t0;
    const chosen = [...layers.slice(0, -1), firstNodes(layers.at(-1)!, best)];
    const kept = hAll ?? head;
    const trainHidden = all === run.train && kept && kept.length === all.n * units ? { h: kept, units } : undefined;
    return { layers: chosen, beta: solution.x, units: best, alpha: solution.alpha, search: scored, seconds, warnings, trainHidden };
  } finally {
    hidden.dispose();
  }
}

function concat(a: ElmData, b: ElmData, inputs: number, k: number): ElmData {
  const x = new Float32Array((a.n + b.n) * inputs);
  x.set(a.x);
  x.set(b.x, a.n * inputs);
  const t = new Float32Array((a.n + b.n) * k);
  t.set(a.t);
  t.set(b.t, a.n * k);
  return { n: a.n + b.n, x, t };
}

type Equations = { a: Float64Array; b: Float64Array };

function addInto(target: Equations, e: Equations): Equations {
  for (let i = 0; i < target.a.length; i++) target.a[i]! += e.a[i]!;
  for (let i = 0; i < target.b.length; i++) target.b[i]! += e.b[i]!;
  return target;
}

/**
 * Scores every size on the validation rows, or by k-fold CV over `pool` when folds > 0. Also
 * returns the normal equations over all of `pool` when it summed them anyway (primal form),
 * so the refit does not compute H^T H a second time.
 */
async function scoreSizes(
  spec: ElmSpec,
  run: ElmRun,
  pass: HiddenPass,
  sizes: number[],
  folds: number,
  pool: ElmData,
): Promise<{ results: Map<number, SizeScore>; all?: Equations }> {
  const { k } = run;
  const units = sizes.at(-1)!;
  const results = new Map<number, SizeScore>();
  if (folds === 0) {
    if (!run.validation?.n) throw new TrainingError("elm_no_validation", 'hiddenUnits.by: "validation" needs split.validation > 0 (or use by: "cv")');
    const val = run.validation;
    const { a, b } = run.train.n >= units ? await normalEquations(pass, run.train, units) : { a: undefined, b: undefined };
    const hTrain = a ? undefined : await hiddenOf(pass, run.train, units);
    const hVal = await hiddenOf(pass, val, units);
    const rows = Array.from({ length: val.n }, (_, i) => i);
    // Training rows are the first run.train.n of the rows the scorer indexes (train, then validation).
    const seen = spaced(Array.from({ length: run.train.n }, (_, i) => i));
    const hSeen = await hiddenOf(pass, run.train, units, seen);
    for (const m of sizes) {
      const beta = a ? solvePrimal(a, b!, units, k, m, spec.alpha).x : solveDual(hTrain!, run.train.n, units, run.train.t, k, m, spec.alpha).x;
      const r = run.score(
        predict32(hVal, val.n, units, m, beta, k),
        rows.map((i) => run.train.n + i),
      );
      const t = run.score(predict32(hSeen, seen.length, units, m, beta, k), seen);
      results.set(m, { ...r, folds: [r.score], train: [t.score] });
    }
    const all = a && pool.n >= units ? addInto({ a: Float64Array.from(a), b: Float64Array.from(b!) }, await normalEquations(pass, val, units)) : undefined;
    return { results, all };
  }
  // k-fold: per-fold normal equations; a fold's model uses the others' sums.
  const perFold = kFolds(
    Array.from({ length: pool.n }, (_, i) => i),
    folds,
    spec.seed,
  );
  const eqs: Equations[] = [];
  for (const rows of perFold) eqs.push(await normalEquations(pass, pool, units, rows));
  const all = eqs.reduce((sum, e) => addInto(sum, e), { a: new Float64Array(units * units), b: new Float64Array(units * k) });
  const totals = { score: new Map<number, number>(), loss: new Map<number, number>() };
  const byFold = new Map<number, { folds: number[]; train: number[] }>(sizes.map((m) => [m, { folds: [], train: [] }]));
  for (let f = 0; f < folds; f++) {
    // A fold's model: every row but the fold's, summed in the same order as `all`.
    const { a, b } = eqs.reduce((sum, e, g) => (g === f ? sum : addInto(sum, e)), { a: new Float64Array(units * units), b: new Float64Array(units * k) });
    const hFold = await hiddenOf(pass, pool, units, perFold[f]);
    const seen = spaced(perFold.filter((_, g) => g !== f).flat());
    const hSeen = await hiddenOf(pass, pool, units, seen);
    for (const m of sizes) {
      const beta = solvePrimal(a, b, units, k, m, spec.alpha).x;
      const r = run.score(predict32(hFold, perFold[f]!.length, units, m, beta, k), perFold[f]!);
      totals.score.set(m, (totals.score.get(m) ?? 0) + r.score / folds);
      totals.loss.set(m, (totals.loss.get(m) ?? 0) + r.loss / folds);
      byFold.get(m)!.folds.push(r.score);
      byFold.get(m)!.train.push(run.score(predict32(hSeen, seen.length, units, m, beta, k), seen).score);
    }
  }
  for (const m of sizes) results.set(m, { score: totals.score.get(m)!, loss: totals.loss.get(m)!, ...byFold.get(m)! });
  return { results, all: pool.n >= units ? all : undefined };
}
