import { randomUUID } from "node:crypto";
import type { Db } from "../../db.js";
import type { Experiment } from "../../../generated/prisma/client.js";
import { WeightStore } from "../../weight-store.js";
import { LOWER_IS_BETTER, metricField, type AutomlRequest } from "../experiment-request.js";
import { report, type ExperimentState, type TrialRow } from "../experiment-view.js";
import { pairedFolds } from "../stats.js";
import type { AutomlState } from "./automl-state.js";
import { metricsOf, selectEnsemble, type OutOfFold, type Scoring } from "./ensemble.js";
import { ENSEMBLE_FORMAT, ENSEMBLE_TYPE, type EnsembleFile } from "../../ensemble-file.js";

/** Candidates the ensemble selection considers: the leaderboard's best (each costs a pass per pick). */
const POOL = 30;
/** Picks of the greedy selection (AutoGluon's default ensemble size is 25). */
const PICKS = 25;

type Built = Pick<AutomlState, "ensemble" | "winner"> & {
  /** The out-of-fold rows (table rows) and truth of each fold, and the ranking metric (higher is better): what explains the winner. */
  heldOut: { folds: Array<{ fold: number; rows: number[]; truth: number[] }>; score: (values: Float32Array, truth: Float64Array) => number };
};

/** One candidate's out-of-fold predictions, put together from its folds' kept predictions. */
interface Assembled extends OutOfFold {
  name: string;
  jobIds: string[];
  /** The fold of each of jobIds. */
  folds: number[];
}

/**
 * The ensemble and the winner of an ended AutoML experiment: the candidates whose every fold
 * succeeded, their kept held-out predictions lined up by row, Caruana's selection over them, the
 * ensemble against the best single candidate fold by fold, and the winner stored as a model
 * (`type: "ensemble"`: its members' fold models, weighted). Undefined when nothing finished.
 * Safe to run again: a stored ensemble of this experiment is reused.
 */
export async function buildEnsemble(db: Db, exp: Experiment, req: AutomlRequest, state: ExperimentState, trials: TrialRow[]): Promise<Built | undefined> {
  const folds = req.crossValidation?.folds ?? 1;
  const board = report(exp, req, state, trials).leaderboard;
  const complete = board.filter((r) => r.score && r.trials.succeeded === folds).slice(0, POOL);
  if (!complete.length) return undefined;
  const jobsOf = (key: string) => trials.filter((t) => t.key === key && t.status === "succeeded");
  const kept = await db.trialPrediction.findMany({ where: { jobId: { in: complete.flatMap((r) => jobsOf(r.key).map((t) => t.jobId)) } } });
  const byJob = new Map(kept.map((k) => [k.jobId, k]));
  const floatsOf = <T extends Float32Array | Float64Array | Int32Array>(b: Uint8Array, as: new (buf: ArrayBuffer) => T) =>
    new as(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);

  // The rows every candidate was scored on, in the first candidate's fold order, and each row's fold.
  const first = jobsOf(complete[0]!.key).map((t) => ({ t, k: byJob.get(t.jobId) }));
  if (first.some((f) => !f.k)) return undefined;
  const width = first[0]!.k!.width;
  const position = new Map<number, number>();
  const foldOf: number[] = [];
  const truthParts: number[] = [];
  const rowAt: number[] = [];
  for (const { t, k } of first) {
    const rows = floatsOf(k!.rows, Int32Array);
    const truth = floatsOf(k!.truth, Float64Array);
    rows.forEach((row, i) => {
      position.set(row, foldOf.length);
      rowAt.push(row);
      foldOf.push(t.fold ?? 0);
      truthParts.push(truth[i]!);
    });
  }
  const n = foldOf.length;
  const truth = Float64Array.from(truthParts);
  const assembled: Assembled[] = [];
  for (const r of complete) {
    const values = new Float32Array(n * width);
    let covered = 0;
    let usable = true;
    for (const t of jobsOf(r.key)) {
      const k = byJob.get(t.jobId);
      if (!k || k.width !== width) {
        usable = false;
        break;
      }
      const rows = floatsOf(k.rows, Int32Array);
      const v = floatsOf(k.values, Float32Array);
      rows.forEach((row, i) => {
        const at = position.get(row);
        if (at === undefined) return;
        values.set(v.subarray(i * width, (i + 1) * width), at * width);
        covered++;
      });
    }
    if (usable && covered === n)
      assembled.push({ key: r.key, name: r.name, values, jobIds: jobsOf(r.key).map((t) => t.jobId), folds: jobsOf(r.key).map((t) => t.fold ?? 0) });
  }
  if (!assembled.length) return undefined;

  const member = await db.model.findFirst({ where: { jobId: assembled[0]!.jobIds[0] }, select: { labels: true } });
  const scoring: Scoring = { task: state.task, metric: rankMetricOf(req, state), labels: (member?.labels as string[]) ?? [], width };
  const field = metricField(scoring.metric);
  const sign = LOWER_IS_BETTER.has(scoring.metric) ? -1 : 1;
  const scoreOf = (values: Float32Array, idx?: number[]) => {
    if (!idx) return metricsOf(values, truth, scoring)[field] ?? null;
    const v = new Float32Array(idx.length * width);
    idx.forEach((i, j) => v.set(values.subarray(i * width, (i + 1) * width), j * width));
    return (
      metricsOf(
        v,
        Float64Array.from(idx, (i) => truth[i]!),
        scoring,
      )[field] ?? null
    );
  };
  const selection = selectEnsemble(assembled, truth, scoring, PICKS);
  const best = assembled[0]!; // the leaderboard's best single candidate with every fold
  const ensembleScore = scoreOf(selection.values);
  const bestScore = scoreOf(best.values);

  // Fold by fold, the ensemble against the best single candidate (a holdout is one "fold").
  const foldIdx = Array.from({ length: folds }, (_, f) => foldOf.flatMap((g, i) => (g === f ? [i] : [])));
  const e = foldIdx.map((idx) => scoreOf(selection.values, idx) ?? NaN);
  const b = foldIdx.map((idx) => scoreOf(best.values, idx) ?? NaN);
  const test = folds >= 2 ? pairedFolds(e, b, 1 / folds) : undefined;
  const several = selection.picks.length > 1;
  // The ensemble wins unless it validates worse: averaging is the safer bet when they tie (AutoGluon serves its weighted ensemble alike).
  const better = several && ensembleScore !== null && bestScore !== null && sign * (ensembleScore - bestScore) >= -1e-12;
  const fmt = (v: number | null) => (v === null ? "n/a" : v.toFixed(4));
  const against = `the ensemble of ${selection.picks.length} (${fmt(ensembleScore)}) against ${best.name} (${fmt(bestScore)})`;
  const tested =
    test && Number.isFinite(test.pValue)
      ? `p = ${test.pValue.toFixed(3)} over ${folds} folds (corrected resampled t-test)`
      : "one holdout: no fold spread to test";
  const note = !several
    ? `the selection picked ${best.name} alone: no mixture scored better out of fold`
    : better
      ? `${against}: the ensemble validates at least as well, ${tested}${test && test.pValue >= 0.05 ? "; within noise, and its weights were chosen on these rows, so its lead is optimistic" : ""}`
      : `${against}: the ensemble does not validate better (${tested}), so the best single candidate wins`;

  const chosen = better ? selection.picks.map((p) => ({ key: p.key, weight: p.count / selection.size })) : [{ key: best.key, weight: 1 }];
  const winnerValues = better ? selection.values : best.values;
  const modelId = await storeWinner(
    db,
    exp,
    state,
    chosen,
    assembled,
    metricsOf(winnerValues, truth, scoring),
    better ? "AutoML ensemble" : `AutoML: ${best.name}`,
  );
  const members = (picks: Array<{ key: string; weight: number }>, ids: Map<string, FoldModel[]>) =>
    picks.map((p) => ({ key: p.key, name: assembled.find((c) => c.key === p.key)!.name, weight: p.weight, modelIds: (ids.get(p.key) ?? []).map((m) => m.id) }));
  const ids = await modelIdsOf(db, assembled);
  return {
    ensemble: {
      modelId: better ? modelId : null,
      size: selection.size,
      members: members(
        selection.picks.map((p) => ({ key: p.key, weight: p.count / selection.size })),
        ids,
      ),
      score: ensembleScore,
    },
    winner: {
      kind: better ? "ensemble" : "single",
      name: better ? `ensemble of ${selection.picks.length}` : best.name,
      score: better ? ensembleScore : bestScore,
      modelId,
      note,
      ...(test && Number.isFinite(test.pValue) ? { pValue: test.pValue } : {}),
    },
    heldOut: {
      folds: foldIdx.map((idx, fold) => ({ fold, rows: idx.map((i) => rowAt[i]!), truth: idx.map((i) => truth[i]!) })),
      score: (values, t) => sign * (metricsOf(values, t, scoring)[field] ?? NaN),
    },
  };
}

const rankMetricOf = (req: AutomlRequest, state: ExperimentState) => req.metric ?? (state.task === "regression" ? "r2" : "accuracy");

interface FoldModel {
  id: string;
  fold: number;
}

/** Each candidate's fold models, with the fold each was trained without. */
async function modelIdsOf(db: Db, assembled: Assembled[]): Promise<Map<string, FoldModel[]>> {
  const models = await db.model.findMany({ where: { jobId: { in: assembled.flatMap((a) => a.jobIds) } }, select: { id: true, jobId: true } });
  const byJob = new Map(models.map((m) => [m.jobId, m.id]));
  return new Map(assembled.map((a) => [a.key, a.jobIds.flatMap((j, k) => (byJob.has(j) ? [{ id: byJob.get(j)!, fold: a.folds[k]! }] : []))]));
}

/**
 * Stores the winner as a model of type "ensemble" (its members' fold models, each member's folds
 * averaged, members weighted) under a job of the experiment that is not a trial. Reuses one a
 * retried step already stored.
 */
async function storeWinner(
  db: Db,
  exp: Experiment,
  state: ExperimentState,
  chosen: Array<{ key: string; weight: number }>,
  assembled: Assembled[],
  metrics: Record<string, number>,
  name: string,
): Promise<string> {
  const existing = await db.job.findFirst({
    where: { experimentId: exp.id, trial: { path: ["role"], equals: "ensemble" } },
    select: { model: { select: { id: true } } },
  });
  if (existing?.model) return existing.model.id;
  await db.job.deleteMany({ where: { experimentId: exp.id, trial: { path: ["role"], equals: "ensemble" } } }); // a step that died before its model
  const ids = await modelIdsOf(db, assembled);
  const memberModels = await db.model.findMany({
    where: { id: { in: chosen.flatMap((c) => (ids.get(c.key) ?? []).map((m) => m.id)) } },
    omit: { weightData: true },
  });
  const firstModel = memberModels.find((m) => m.id === ids.get(chosen[0]!.key)?.[0]?.id) ?? memberModels[0]!;
  const firstJob = await db.job.findUniqueOrThrow({ where: { id: firstModel.jobId }, select: { spec: true, datasetId: true } });
  const file: EnsembleFile = {
    format: ENSEMBLE_FORMAT,
    version: 1,
    experimentId: exp.id,
    members: chosen.map((c) => ({
      name: assembled.find((a) => a.key === c.key)!.name,
      weight: c.weight,
      modelIds: (ids.get(c.key) ?? []).map((m) => m.id),
      folds: (ids.get(c.key) ?? []).map((m) => m.fold),
    })),
  };
  const params = memberModels.reduce((s, m) => s + ((m.summary as { totalParams?: number }).totalParams ?? 0), 0);
  const classes = state.task === "classification" ? (firstModel.labels as string[]).length : 1;
  const jobId = randomUUID();
  const modelId = randomUUID();
  const jobMetrics = { test: metrics, outOfFold: true, ensemble: file.members.map((m) => ({ name: m.name, weight: m.weight })) };
  await db.job.create({
    data: {
      id: jobId,
      tenant: exp.tenant,
      datasetId: firstJob.datasetId,
      status: "succeeded",
      spec: firstJob.spec as object,
      epochs: 0,
      metrics: jobMetrics as object,
      experimentId: exp.id,
      trial: { name, key: "automl:ensemble", generation: exp.generation, plots: false, role: "ensemble" } as object,
      startedAt: new Date(),
      finishedAt: new Date(),
    },
  });
  await new WeightStore(db.pool).write({ modelId, tenant: exp.tenant, jobId }, Buffer.from(JSON.stringify(file)));
  await db.model.create({
    data: {
      id: modelId,
      tenant: exp.tenant,
      jobId,
      type: ENSEMBLE_TYPE,
      summary: {
        layers: [{ name: "ensemble", type: "WeightedEnsemble", outputShape: [null, classes], params }],
        totalParams: params,
        trainableParams: 0,
      } as object,
      metrics: jobMetrics as object,
      target: firstModel.target,
      features: firstModel.features as object,
      labels: firstModel.labels as object,
      preprocessing: firstModel.preprocessing as object,
      topology: { format: ENSEMBLE_FORMAT, members: file.members } as object,
      weightSpecs: [],
      weightData: null,
    },
  });
  return modelId;
}
