import { classificationMetrics, regressionMetrics } from "../../training/index.js";
import { LOWER_IS_BETTER, metricField, type RankMetric } from "../experiment-request.js";

/** One candidate's out-of-fold predictions, row-aligned with the truth: [n, width]. */
export interface OutOfFold {
  key: string;
  values: Float32Array;
}

export interface Scoring {
  task: "classification" | "regression";
  metric: RankMetric;
  labels: string[];
  /** Classification: probabilities per class; regression: 1. */
  width: number;
}

/** The metrics of predictions [n, width] against the truth, as a job's test metrics read. */
export function metricsOf(values: Float32Array, truth: Float64Array, s: Scoring): Record<string, number> {
  const m = s.task === "classification" ? classificationMetrics(values, truth, s.labels) : regressionMetrics(values, truth);
  return m as unknown as Record<string, number>;
}

/** The ranking metric, higher-is-better (lower-is-better ones negated); NaN when it is undefined (rocAuc of a multiclass task). */
function utility(values: Float32Array, truth: Float64Array, s: Scoring): { value: number; tieBreak: number } {
  const m = metricsOf(values, truth, s);
  const v = m[metricField(s.metric)];
  const value = typeof v === "number" ? (LOWER_IS_BETTER.has(s.metric) ? -v : v) : NaN;
  // Equal on the metric (accuracy ties often), the better-calibrated mixture wins: lower log loss or mse.
  return { value, tieBreak: -(m.loss ?? 0) };
}

export interface EnsembleSelection {
  /** Times each candidate was picked, in the order first picked; the weight is count / size. */
  picks: Array<{ key: string; count: number }>;
  size: number;
  /** The ensemble's predictions on the out-of-fold rows. */
  values: Float32Array;
  /** The ranking metric after each pick (higher is better; negated for lower-is-better metrics). */
  trace: number[];
}

/**
 * Greedy ensemble selection with replacement (Caruana, Niculescu-Mizil, Crew and Ksikes, "Ensemble
 * selection from libraries of models", ICML 2004; AutoGluon's WeightedEnsemble): start empty, and
 * `size` times add the candidate whose addition makes the averaged predictions score best on the
 * out-of-fold rows. A candidate picked k times weighs k / size. As the paper advises, the ensemble
 * kept is the best prefix of the picks (a later pick may lower the score): the first pick is the
 * best single candidate, so the ensemble never scores below it. Ties go to the earlier candidate
 * (the leaderboard's order) and the longer prefix, so the same inputs always give the same ensemble.
 */
export function selectEnsemble(candidates: OutOfFold[], truth: Float64Array, s: Scoring, size = 25): EnsembleSelection {
  const n = truth.length;
  const len = n * s.width;
  const sum = new Float64Array(len);
  const trial = new Float32Array(len);
  const picked: OutOfFold[] = [];
  const trace: number[] = [];
  let bestPrefix = { length: 0, value: -Infinity, tieBreak: -Infinity };
  for (let step = 1; step <= size; step++) {
    let best: { c: OutOfFold; value: number; tieBreak: number } | undefined;
    for (const c of candidates) {
      for (let i = 0; i < len; i++) trial[i] = (sum[i]! + c.values[i]!) / step;
      const u = utility(trial, truth, s);
      if (Number.isNaN(u.value)) continue;
      if (!best || u.value > best.value + 1e-12 || (Math.abs(u.value - best.value) <= 1e-12 && u.tieBreak > best.tieBreak + 1e-12)) best = { c, ...u };
    }
    if (!best) break;
    for (let i = 0; i < len; i++) sum[i]! += best.c.values[i]!;
    picked.push(best.c);
    trace.push(best.value);
    if (best.value > bestPrefix.value + 1e-12 || (Math.abs(best.value - bestPrefix.value) <= 1e-12 && best.tieBreak >= bestPrefix.tieBreak - 1e-12))
      bestPrefix = { length: step, value: best.value, tieBreak: best.tieBreak };
  }
  const kept = picked.slice(0, bestPrefix.length);
  const counts = new Map<string, number>();
  for (const c of kept) counts.set(c.key, (counts.get(c.key) ?? 0) + 1);
  const values = new Float32Array(len);
  for (const c of kept) for (let i = 0; i < len; i++) values[i]! += c.values[i]! / kept.length;
  return { picks: [...counts.entries()].map(([key, count]) => ({ key, count })), size: kept.length, values, trace };
}
