import { LOWER_IS_BETTER, metricField, type RankMetric } from "./experiment-request.js";
import { meanStd, pairedFolds } from "./stats.js";

/** What the leaderboard reads of one trial job. */
export interface TrialRecord {
  jobId: string;
  status: string;
  /** The trial's candidate (its key) and fold. */
  key: string;
  name: string;
  fold?: number;
  metrics?: Record<string, any> | null;
  parameters?: number;
  error?: string | null;
}

export interface Stat {
  mean: number;
  std: number;
}

export interface LeaderboardRow {
  rank: number;
  name: string;
  key: string;
  /** Trials by state: one per fold (or one for a split). */
  trials: { succeeded: number; failed: number; pending: number };
  /** The ranking metric on the rows each trial was scored on (validation for a search on a split). */
  score: Stat | null;
  /** The task's metrics on the test rows (each fold's, or the split's). */
  metrics: Record<string, Stat>;
  fitSeconds: Stat | null;
  predictMsPer1000Rows: Stat | null;
  parameters: number | null;
  jobIds: string[];
}

export interface Comparison {
  name: string;
  /** best - this candidate, on the ranking metric (sign as the metric: positive = best is higher). */
  difference: number;
  t?: number;
  pValue?: number;
  withinNoise: boolean;
  note: string;
}

const CLASSIFICATION = ["accuracy", "balancedAccuracy", "macroF1", "rocAuc", "loss"];
const REGRESSION = ["r2", "rmse", "mae"];

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** A trial's fit time: a baseline's own, else the job's fit phases (an ELM's scores and calibration too). */
function fitSeconds(m: Record<string, any>): number | undefined {
  if (finite(m.baseline?.fitSeconds)) return m.baseline.fitSeconds;
  const p = m.phases ?? {};
  const s = ["fit", "scores", "calibrate"].reduce((t, k) => t + (finite(p[k]) ? p[k] : 0), 0);
  return s > 0 ? s : undefined;
}

/** Milliseconds to predict 1,000 rows: measured on the evaluated rows (test and validation). */
function predictMs(m: Record<string, any>): number | undefined {
  if (finite(m.baseline?.predictMsPer1000Rows)) return m.baseline.predictMsPer1000Rows;
  const rows = (m.test?.n ?? 0) + (m.validation?.n ?? 0);
  return rows && finite(m.phases?.evaluate) ? (m.phases.evaluate / rows) * 1e6 : undefined;
}

const stat = (values: Array<number | undefined>): Stat | null => {
  const v = values.filter(finite);
  return v.length ? meanStd(v) : null;
};

/**
 * Ranks candidates by the mean of `metric` over their trials, and compares the best with each
 * other: over folds by the corrected resampled t-test, on one split by the binomial standard
 * error of the two accuracies (a rough guide: a split gives no spread of its own).
 */
export function leaderboard(
  trials: TrialRecord[],
  opts: { metric: RankMetric; task: "classification" | "regression"; selectOn: "test" | "validation"; folds?: number; testFraction: number },
) {
  const lower = LOWER_IS_BETTER.has(opts.metric);
  const byKey = new Map<string, TrialRecord[]>();
  for (const t of trials) byKey.set(t.key, [...(byKey.get(t.key) ?? []), t]);
  const scoreOf = (t: TrialRecord) => {
    const m = t.metrics ?? {};
    const part = opts.selectOn === "validation" && m.validation ? m.validation : m.test;
    return part?.[metricField(opts.metric)] as number | undefined;
  };
  const rows: Array<LeaderboardRow & { perFold: Map<number, number> }> = [...byKey.entries()].map(([key, ts]) => {
    // In fold order: the means must not depend on the order the trials' rows come back in.
    const done = ts.filter((t) => t.status === "succeeded").sort((a, b) => (a.fold ?? 0) - (b.fold ?? 0));
    const names = opts.task === "classification" ? CLASSIFICATION : REGRESSION;
    const metrics: Record<string, Stat> = {};
    for (const name of names) {
      const s = stat(done.map((t) => t.metrics?.test?.[name]));
      if (s) metrics[name] = s;
    }
    const perFold = new Map<number, number>();
    done.forEach((t) => finite(scoreOf(t)) && perFold.set(t.fold ?? 0, scoreOf(t)!));
    return {
      rank: 0,
      name: ts[0]!.name,
      key,
      trials: {
        succeeded: done.length,
        failed: ts.filter((t) => t.status === "failed" || t.status === "cancelled").length,
        pending: ts.filter((t) => t.status === "queued" || t.status === "running").length,
      },
      score: stat(done.map(scoreOf)),
      metrics,
      fitSeconds: stat(done.map((t) => fitSeconds(t.metrics ?? {}))),
      predictMsPer1000Rows: stat(done.map((t) => predictMs(t.metrics ?? {}))),
      parameters: done.find((t) => finite(t.parameters))?.parameters ?? null,
      jobIds: ts.map((t) => t.jobId),
      perFold,
    };
  });
  const value = (r: LeaderboardRow) => (r.score ? (lower ? -r.score.mean : r.score.mean) : -Infinity);
  // Ties by key: the order (and an AutoML search's leaders) must not hang on job ids.
  rows.sort((a, b) => value(b) - value(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  rows.forEach((r, i) => (r.rank = i + 1));
  const best = rows.find((r) => r.score);
  const comparisons: Comparison[] = !best ? [] : rows.filter((r) => r !== best && r.score).map((r) => compare(best, r, opts));
  return { leaderboard: rows.map(({ perFold: _, ...r }) => r), comparisons, best: best ? { name: best.name, key: best.key, score: best.score } : null };

  function compare(a: (typeof rows)[number], b: (typeof rows)[number], o: typeof opts): Comparison {
    const folds = [...a.perFold.keys()].filter((f) => b.perFold.has(f)).sort((x, y) => x - y);
    if (o.folds && folds.length >= 2) {
      const r = pairedFolds(
        folds.map((f) => a.perFold.get(f)!),
        folds.map((f) => b.perFold.get(f)!),
        1 / o.folds,
      );
      const withinNoise = !(r.pValue < 0.05);
      return {
        name: b.name,
        difference: r.difference,
        t: r.t,
        pValue: r.pValue,
        withinNoise,
        note: withinNoise
          ? `within noise: p = ${r.pValue.toFixed(3)} over ${folds.length} folds (corrected resampled t-test)`
          : `${a.name} is better: p = ${r.pValue.toFixed(3)} over ${folds.length} folds`,
      };
    }
    const difference = a.score!.mean - b.score!.mean;
    const n =
      o.task === "classification"
        ? a.metrics.accuracy
          ? trials.find((t) => t.key === a.key && t.status === "succeeded")?.metrics?.test?.n
          : undefined
        : undefined;
    if (o.metric === "accuracy" && n) {
      const p1 = a.score!.mean;
      const p2 = b.score!.mean;
      const se = Math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n);
      const withinNoise = Math.abs(difference) < 2 * se;
      return {
        name: b.name,
        difference,
        withinNoise,
        note: `one split of ${n} test rows: ${withinNoise ? "within" : "beyond"} two binomial standard errors (${(2 * se).toFixed(3)}); use crossValidation for a paired test`,
      };
    }
    return { name: b.name, difference, withinNoise: false, note: "one split: no spread to test against; use crossValidation for a paired test" };
  }
}
