import type { Metrics } from "./metrics.js";

export interface CrossValidationReport {
  folds: number;
  /** Each fold's metrics on its held-out rows, with its curves. */
  perFold: Array<Record<string, unknown>>;
  /** Mean and (population) standard deviation of every scalar metric over the folds. */
  mean: Record<string, number>;
  std: Record<string, number>;
  /** Per-epoch mean of the folds' curves, over the epochs every fold ran. */
  meanHistory: Record<string, number[]>;
  /** Epochs the final refit trained for. */
  refitEpochs?: number;
}

const SCALARS = ["accuracy", "balancedAccuracy", "loss", "macroF1", "weightedF1", "rocAuc", "logLoss", "mse", "mae", "rmse", "r2"];

/**
 * Mean and standard deviation over folds. The one convention of the service (a job's CV report
 * and an experiment's leaderboard): the population std, dividing by n, as numpy's `std()` and
 * scikit-learn's `cv_results_["std_test_score"]` compute it.
 */
export function meanStd(values: number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  return { mean, std: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n) };
}

/** Mean and std (meanStd) of each scalar metric across folds. */
export function crossValidationReport(metrics: Metrics[], histories: Array<Record<string, number[]>>): CrossValidationReport {
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const key of SCALARS) {
    const xs = metrics.map((m): unknown => Reflect.get(m, key)).filter((x): x is number => typeof x === "number" && Number.isFinite(x));
    if (xs.length !== metrics.length) continue;
    ({ mean: mean[key], std: std[key] } = meanStd(xs));
  }
  return {
    folds: metrics.length,
    perFold: metrics.map((m, i) => ({ fold: i + 1, ...m, history: histories[i] })),
    mean,
    std,
    meanHistory: meanCurves(histories),
  };
}

/** Epoch-wise mean of several histories, truncated to the shortest. */
export function meanCurves(histories: Array<Record<string, number[]>>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  if (histories.length === 0) return out;
  for (const key of Object.keys(histories[0]!)) {
    const series = histories.map((h) => h[key] ?? []);
    const n = Math.min(...series.map((s) => s.length));
    out[key] = Array.from({ length: n }, (_, e) => series.reduce((a, s) => a + s[e]!, 0) / series.length);
  }
  return out;
}
