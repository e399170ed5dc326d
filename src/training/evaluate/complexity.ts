import { z } from "zod";

/**
 * The model complexity graph's numbers (scikit-learn's `validation_curve`): the training and
 * validation score of models along one size, the point where validation peaks and the smallest
 * model within one standard error of it, the "one standard error rule" (Hastie, Tibshirani &
 * Friedman, The Elements of Statistical Learning, 2nd ed., section 7.10: prefer the simplest
 * model whose error is within one standard error of the best). A search's graph is built from its
 * trials (experiments/complexity.ts), an ELM's from its own size search.
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

/** A point as views list it (`complexity[]`): marked when it is the peak or the one-standard-error choice. */
export const ComplexityPointViewSchema = ComplexityPointSchema.extend({
  peak: z.boolean().describe("Where the validation score is best"),
  oneStandardError: z.boolean().describe("The smallest model within one standard error of the peak"),
});
/** The rest of the graph, beside the points (`complexityGraph`). */
export const ComplexitySummarySchema = ComplexitySchema.omit({ points: true });
export type ComplexityPointView = z.infer<typeof ComplexityPointViewSchema>;
export type ComplexitySummary = z.infer<typeof ComplexitySummarySchema>;

/** The graph as views carry it: the points as a list, each marked, and the rest beside them (empty and null without a graph). */
export function complexityView(c: Complexity | undefined): { complexity: ComplexityPointView[]; complexityGraph: ComplexitySummary | null } {
  if (!c) return { complexity: [], complexityGraph: null };
  const { points, ...graph } = c;
  return { complexity: points.map((p) => ({ ...p, peak: p.value === c.peak, oneStandardError: p.value === c.oneStandardError })), complexityGraph: graph };
}

/** The graph of these points (sorted by value), the scores higher-is-better unless `lower`. */
export function complexityGraph(head: Pick<Complexity, "by" | "label" | "metric" | "slice">, points: ComplexityPoint[], lower: boolean): Complexity {
  return { ...head, logScale: logScale(points.map((p) => p.value)), ...complexityChoices(points, lower), points };
}

/** Values that span two decades or more are drawn on a log axis. */
const logScale = (values: number[]) => values.length > 1 && values[0]! > 0 && values.at(-1)! / values[0]! >= 100;

/** The peak, the one-standard-error choice, and the under- and overfitting ranges, from the points (sorted by value). */
export function complexityChoices(points: ComplexityPoint[], lower: boolean): Omit<Complexity, "by" | "label" | "metric" | "slice" | "logScale" | "points"> {
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
