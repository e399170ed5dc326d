import { z } from "zod";
import { LOWER_IS_BETTER, metricField, type RankMetric } from "./experiment-request.js";
import { meanStd } from "./stats.js";

/**
 * The model complexity graph (scikit-learn's `validation_curve`): the training and validation
 * score of a search's points along one size dimension, with the point where validation peaks and
 * the smallest model within one standard error of it, the "one standard error rule" (Hastie,
 * Tibshirani & Friedman, The Elements of Statistical Learning, 2nd ed., section 7.10: prefer the
 * simplest model whose error is within one standard error of the best).
 */

const StatSchema = z.object({ mean: z.number(), std: z.number() });
const RangeSchema = z.object({ from: z.number(), to: z.number() });

export const ComplexityPointSchema = z.object({
  value: z.number().describe("The dimension's value (a list of layers: its total units)"),
  parameters: z.number().nullable(),
  train: StatSchema.nullable().describe("The score on the rows it learned from (up to 2,000 of them), over folds"),
  validation: StatSchema.nullable().describe("The ranking score on held-out rows, over folds"),
  folds: z.number().int(),
  name: z.string(),
});
export type ComplexityPoint = z.infer<typeof ComplexityPointSchema>;

export const ComplexitySchema = z.object({
  by: z.string().describe("The dimension along the x axis"),
  label: z.string().describe("The axis title: the dimension, and how a list of layers is counted"),
  metric: z.string(),
  slice: z.string().describe("Which points: the other dimensions held at the best point's values, or the best point of each value"),
  logScale: z.boolean().describe("Whether the values span decades (drawn on a log axis)"),
  points: z.array(ComplexityPointSchema),
  peak: z.number().nullable().describe("The value where the validation score is best"),
  oneStandardError: z.number().nullable().describe("The smallest value whose validation score is within one standard error of the peak's"),
  standardError: z.number().nullable().describe("The peak's standard error: its folds' sample standard deviation / sqrt(folds)"),
  underfit: RangeSchema.nullable().describe("Values where both scores are low: the training score no better than the best validation score"),
  overfit: RangeSchema.nullable().describe("Values past the peak where the training score holds or rises while validation falls beyond one standard error"),
  note: z.string(),
});
export type Complexity = z.infer<typeof ComplexitySchema>;

/** One trial as the graph reads it. */
export interface ComplexityTrial {
  key: string;
  name: string;
  status: string;
  params?: Record<string, unknown>;
  metrics?: Record<string, any> | null;
  parameters?: number;
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** A gene's value as a size: a number, or a list of layer widths by its total units. */
function sizeOf(v: unknown): number | undefined {
  if (finite(v)) return v;
  if (Array.isArray(v) && v.length > 0 && v.every(finite)) return v.reduce((a, b) => a + b, 0);
  return undefined;
}

const stat = (xs: number[]) => (xs.length ? meanStd(xs) : null);

/**
 * The complexity graph of a search's trials along `by` (default: the numeric dimension whose
 * values change the parameter count most), or undefined when no dimension has 3 or more values.
 */
export function complexityOf(trials: ComplexityTrial[], opts: { metric: RankMetric; selectOn: "test" | "validation"; by?: string }): Complexity | undefined {
  const lower = LOWER_IS_BETTER.has(opts.metric);
  const field = metricField(opts.metric);
  const points = new Map<string, { name: string; params: Record<string, unknown>; train: number[]; validation: number[]; parameters?: number }>();
  for (const t of trials) {
    if (t.status !== "succeeded" || !t.params) continue;
    const m = t.metrics ?? {};
    const p = points.get(t.key) ?? { name: t.name, params: t.params, train: [], validation: [] };
    const held = opts.selectOn === "validation" && m.validation ? m.validation : m.test;
    if (finite(held?.[field])) p.validation.push(held[field]);
    if (finite(m.train?.[field])) p.train.push(m.train[field]);
    if (finite(t.parameters)) p.parameters = t.parameters;
    points.set(t.key, p);
  }
  const all = [...points.values()].filter((p) => p.validation.length > 0);
  const dims = [...new Set(all.flatMap((p) => Object.keys(p.params)))].filter(
    (d) => all.every((p) => sizeOf(p.params[d]) !== undefined) && new Set(all.map((p) => sizeOf(p.params[d]))).size >= 3,
  );
  if (dims.length === 0 || (opts.by && !dims.includes(opts.by))) return undefined;
  const by = opts.by ?? dims.sort((a, b) => paramSpread(all, b) - paramSpread(all, a) || (a < b ? -1 : 1))[0]!;
  const better = (a: number, b: number) => (lower ? a < b : a > b);
  const meanOf = (p: (typeof all)[number]) => p.validation.reduce((s, v) => s + v, 0) / p.validation.length;
  const best = all.reduce((a, b) => (better(meanOf(b), meanOf(a)) ? b : a));
  // The others held at the best point's values; a random search rarely has such a line, so then each value's best point.
  const others = (p: (typeof all)[number]) => Object.keys(best.params).every((k) => k === by || JSON.stringify(p.params[k]) === JSON.stringify(best.params[k]));
  let chosen = all.filter(others);
  let slice = "the other dimensions at the best point's values";
  if (new Set(chosen.map((p) => sizeOf(p.params[by]))).size < 3) {
    const byValue = new Map<number, (typeof all)[number]>();
    for (const p of all) {
      const v = sizeOf(p.params[by])!;
      const q = byValue.get(v);
      if (!q || better(meanOf(p), meanOf(q))) byValue.set(v, p);
    }
    chosen = [...byValue.values()];
    slice = "the best point of each value";
  }
  const out: ComplexityPoint[] = chosen
    .map((p) => ({
      value: sizeOf(p.params[by])!,
      parameters: p.parameters ?? null,
      train: stat(p.train),
      validation: stat(p.validation),
      folds: p.validation.length,
      name: p.name,
    }))
    .sort((a, b) => a.value - b.value);
  const isList = chosen.some((p) => Array.isArray(p.params[by]));
  return {
    by,
    label: isList ? `${by} (total hidden units)` : by,
    metric: opts.metric,
    slice,
    logScale: logScale(out.map((p) => p.value)),
    ...choices(out, lower),
    points: out,
  };
}

/** How much a dimension moves the parameter count: the spread of log(parameters) between its values' means. */
function paramSpread(points: Array<{ params: Record<string, unknown>; parameters?: number }>, dim: string): number {
  const byValue = new Map<number, number[]>();
  for (const p of points) {
    if (!finite(p.parameters) || p.parameters <= 0) continue;
    const v = sizeOf(p.params[dim])!;
    byValue.set(v, [...(byValue.get(v) ?? []), Math.log(p.parameters)]);
  }
  const means = [...byValue.values()].map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
  return means.length >= 2 ? Math.max(...means) - Math.min(...means) : 0;
}

/** Values that span two decades or more are drawn on a log axis. */
const logScale = (values: number[]) => values.length > 1 && values[0]! > 0 && values.at(-1)! / values[0]! >= 100;

/** The peak, the one-standard-error choice, and the under- and overfitting ranges, from the points (sorted by value). */
export function choices(points: ComplexityPoint[], lower: boolean): Omit<Complexity, "by" | "label" | "metric" | "slice" | "logScale" | "points"> {
  const scored = points.filter((p) => p.validation);
  if (scored.length === 0) return { peak: null, oneStandardError: null, standardError: null, underfit: null, overfit: null, note: "no point has a score yet" };
  const sign = lower ? -1 : 1; // scores as "higher is better"
  const v = (p: ComplexityPoint) => sign * p.validation!.mean;
  const peak = scored.reduce((a, b) => (v(b) > v(a) ? b : a));
  // The standard error of the mean over k folds, from the folds' sample standard deviation (meanStd's is the population's).
  const se = peak.folds > 1 ? peak.validation!.std / Math.sqrt(peak.folds - 1) : 0;
  const within = scored.find((p) => v(p) >= v(peak) - se)!; // sorted by value: the smallest such model
  const t = (p: ComplexityPoint) => (p.train ? sign * p.train.mean : undefined);
  const under = scored.filter((p) => p.value < within.value && t(p) !== undefined && t(p)! <= v(peak));
  const peakTrain = t(peak);
  const over = scored.filter((p) => p.value > peak.value && v(p) < v(peak) - se && t(p) !== undefined && peakTrain !== undefined && t(p)! >= peakTrain - se);
  const range = (ps: ComplexityPoint[]) => (ps.length ? { from: ps[0]!.value, to: ps.at(-1)!.value } : null);
  const note =
    within.value < peak.value
      ? `validation peaks at ${peak.value}; ${within.value} is within one standard error (${se.toFixed(4)}) of it with fewer parameters: prefer it unless the gain is worth the size`
      : `validation peaks at ${peak.value}${se ? `, and no smaller model is within one standard error (${se.toFixed(4)})` : " (one split: no standard error, so the peak is the choice)"}`;
  return { peak: peak.value, oneStandardError: within.value, standardError: se || null, underfit: range(under), overfit: range(over), note };
}
