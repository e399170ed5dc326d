/**
 * Feature selection before the input layer: each column scored against the target on the
 * training rows only, the best `keep` kept. Scores as scikit-learn's univariate selectors:
 * - anova: the F statistic (f_classif for a class target: one-way ANOVA of the column across
 *   classes; f_regression for a numeric one: F = r^2 / (1 - r^2) (n - 2)). A categorical column
 *   scores as its best one-hot indicator would.
 * - mutualInformation: I(X; Y) in nats from counts (numbers in up to 10 equal-frequency bins, a
 *   numeric target too), Cover & Thomas, Elements of Information Theory, eq. 2.28.
 * - l1, permutation: from a fitted model, see model-scores.ts.
 */
import type { ResolvedColumns } from "../data/columns.js";
import type { Selected } from "../data/parts.js";
import type { FeatureScore, FeatureSelectionResult, FeatureSelectionSpec, PreprocessingSpec } from "../spec/preprocessing.js";
export type { FeatureScore, FeatureSelectionResult };
import { modelScores } from "./model-scores.js";
import { SpecError } from "../spec/training-error.js";

const BINS = 10;

/** One-way ANOVA F of values x across groups g (0..k-1); 0 when undefined (one group, no spread). */
export function anovaF(x: ArrayLike<number>, g: ArrayLike<number>, k: number): number {
  const count = new Float64Array(k),
    sum = new Float64Array(k),
    squares = new Float64Array(k);
  for (let i = 0; i < x.length; i++) {
    count[g[i]!]!++;
    sum[g[i]!]! += x[i]!;
    squares[g[i]!]! += x[i]! * x[i]!;
  }
  return groupsF(count, sum, squares);
}

/** ANOVA F from each group's count, sum and sum of squares. */
function groupsF(count: ArrayLike<number>, sum: ArrayLike<number>, squares: ArrayLike<number>): number {
  let n = 0,
    total = 0,
    groups = 0;
  for (let c = 0; c < count.length; c++) ((n += count[c]!), (total += sum[c]!), (groups += count[c]! > 0 ? 1 : 0));
  const mean = total / n;
  let between = 0,
    within = 0;
  for (let c = 0; c < count.length; c++) {
    if (!count[c]) continue;
    between += count[c]! * (sum[c]! / count[c]! - mean) ** 2;
    within += Math.max(squares[c]! - (sum[c]! * sum[c]!) / count[c]!, 0);
  }
  if (groups < 2 || n <= groups) return 0;
  if (within === 0) return between > 0 ? Number.MAX_VALUE : 0;
  return between / (groups - 1) / (within / (n - groups));
}

/** F of the regression y ~ x: r^2 / (1 - r^2) (n - 2); 0 when either is constant. */
export function regressionF(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) ((mx += x[i]!), (my += y[i]!));
  mx /= n;
  my /= n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return momentsF(n, sxx, sxy, syy);
}

/** F of a regression from the centred sums of squares and products. */
function momentsF(n: number, sxx: number, sxy: number, syy: number): number {
  if (sxx <= 0 || syy <= 0 || n < 3) return 0;
  const r2 = Math.min((sxy * sxy) / (sxx * syy), 1);
  return r2 === 1 ? Number.MAX_VALUE : (r2 / (1 - r2)) * (n - 2);
}

/**
 * A categorical column's score: the F of its best one-hot indicator, from one pass of counts
 * (per category and class, or per category sum of y) rather than one pass per category.
 */
function bestIndicatorF(codes: Int32Array, categories: number, y: Float64Array, classes: number): number {
  const n = codes.length;
  let best = 0;
  if (classes) {
    const joint = new Float64Array(categories * classes),
      perClass = new Float64Array(classes);
    for (let i = 0; i < n; i++) (joint[codes[i]! * classes + y[i]!]!++, perClass[y[i]!]!++);
    for (let c = 0; c < categories; c++) {
      // x is 0/1: a class's sum of x is its count in this category, and so is its sum of squares.
      const ones = joint.subarray(c * classes, (c + 1) * classes);
      best = Math.max(best, groupsF(perClass, ones, ones));
    }
    return best;
  }
  const count = new Float64Array(categories),
    sumY = new Float64Array(categories);
  let total = 0,
    squares = 0;
  for (let i = 0; i < n; i++) (count[codes[i]!]!++, (sumY[codes[i]!]! += y[i]!), (total += y[i]!), (squares += y[i]! * y[i]!));
  const mean = total / n;
  for (let c = 0; c < categories; c++) {
    const m = count[c]!;
    best = Math.max(best, momentsF(n, m - (m * m) / n, sumY[c]! - m * mean, squares - n * mean * mean));
  }
  return best;
}

/** Mutual information (nats) of two discrete codes from their joint counts. */
export function mutualInformation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const joint = new Map<number, number>(),
    pa = new Map<number, number>(),
    pb = new Map<number, number>();
  let nb = 0; // a loop, not Math.max(...b): spreading a million values overflows the stack
  for (let i = 0; i < n; i++) nb = Math.max(nb, b[i]! + 1);
  for (let i = 0; i < n; i++) {
    const key = a[i]! * nb + b[i]!;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    pa.set(a[i]!, (pa.get(a[i]!) ?? 0) + 1);
    pb.set(b[i]!, (pb.get(b[i]!) ?? 0) + 1);
  }
  let mi = 0;
  for (const [key, c] of joint) {
    const x = Math.floor(key / nb),
      y = key % nb;
    mi += (c / n) * Math.log((c * n) / (pa.get(x)! * pb.get(y)!));
  }
  return Math.max(mi, 0);
}

/** Equal-frequency bin codes (at most BINS) of numbers. */
export function quantileBins(x: ArrayLike<number>, bins = BINS): Int32Array {
  const sorted = Float64Array.from(x).sort();
  const edges = Array.from({ length: bins - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / bins)]!);
  return Int32Array.from(x, (v) => {
    let b = 0;
    while (b < edges.length && v >= edges[b]!) b++;
    return b;
  });
}

/**
 * Scores every feature on the training rows (indices into sel's rows); rows missing it are left out.
 * `l1` and `permutation` fit a model on the encoded rows (model-scores.ts), hence the preprocessing.
 */
export function scoreFeatures(
  sel: Selected,
  resolved: ResolvedColumns,
  rows: number[],
  method: FeatureSelectionSpec["method"],
  fitting?: { preprocessing: PreprocessingSpec; seed: number },
): FeatureScore[] {
  if (method === "l1" || method === "permutation") {
    if (!fitting) throw new Error(`${method} scores need the preprocessing to encode with`);
    return modelScores(sel, resolved, rows, method, fitting.preprocessing, fitting.seed);
  }
  const classes = sel.task === "classification" ? sel.labels.length : 0;
  return resolved.features.map(({ name, type }) => {
    const get = sel.rows.column(name);
    const idx: number[] = [];
    const values: unknown[] = [];
    for (const i of rows) {
      const v = get(i);
      if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) continue;
      idx.push(i);
      values.push(v);
    }
    if (idx.length < 3) return { name, score: 0 };
    const y = Float64Array.from(idx, (i) => sel.truth[i]!);
    const numeric = type === "numeric" ? Float64Array.from(values, (v) => Number(v)) : undefined;
    if (numeric && numeric.some((v) => !Number.isFinite(v))) return { name, score: 0 };
    const codes = numeric ? undefined : categoryCodes(values.map((v) => String(v).trim()));
    if (method === "mutualInformation") {
      const yCodes = classes ? Int32Array.from(y) : quantileBins(y);
      return { name, score: mutualInformation(numeric ? quantileBins(numeric) : codes!.codes, yCodes) };
    }
    if (!numeric) return { name, score: bestIndicatorF(codes!.codes, codes!.count, y, classes) };
    return { name, score: classes ? anovaF(numeric, Int32Array.from(y), classes) : regressionF(numeric, y) };
  });
}

function categoryCodes(values: string[]): { codes: Int32Array; count: number } {
  const index = new Map<string, number>();
  const codes = Int32Array.from(values, (v) => {
    let c = index.get(v);
    if (c === undefined) index.set(v, (c = index.size));
    return c;
  });
  return { codes, count: index.size };
}

/** Keeps the `keep` best (a count, or a fraction of the features, at least one); ties keep column order. */
export function selectFeatures(
  resolved: ResolvedColumns,
  scores: FeatureScore[],
  spec: FeatureSelectionSpec,
): { resolved: ResolvedColumns; result: FeatureSelectionResult } {
  if (resolved.groups.length !== 1)
    throw new SpecError("featureSelection needs a model with one input", [{ path: "preprocessing.featureSelection", message: "the model has several inputs" }]);
  const k = spec.keep < 1 ? Math.max(1, Math.round(spec.keep * scores.length)) : Math.min(spec.keep, scores.length);
  const ranked = scores.map((s, i) => ({ ...s, i })).sort((a, b) => b.score - a.score || a.i - b.i);
  const keptNames = new Set(ranked.slice(0, k).map((s) => s.name));
  const strip = ({ name, score }: FeatureScore) => ({ name, score });
  const features = resolved.features.filter((f) => keptNames.has(f.name));
  const groups = resolved.groups.map((g) => ({ ...g, columns: g.columns.filter((c) => keptNames.has(c)) }));
  return {
    resolved: { ...resolved, features, groups },
    result: { method: spec.method, kept: ranked.slice(0, k).map(strip), dropped: ranked.slice(k).map(strip) },
  };
}
