/**
 * Boosting round by round through XGBoost's C API, as `xgb.train` does it (python-package
 * xgboost/training.py): UpdateOneIter, then EvalOneIter on the training and validation rows,
 * early stopping on the validation loss, the best round's model kept (a slice of the booster).
 * Between rounds the job is told its progress (in batches, so a round of a few milliseconds does
 * not wait for a database write), may be cancelled, and is checkpointed to resume after a crash.
 */
import type { FitHooks } from "../../engine/epoch-loop.js";
import type { Checkpoint } from "../../engine/checkpoint.js";
import type { EpochLogs } from "../../engine/fit-data.js";
import type { ClassicFit, ClassicRun } from "../../train/classic/learner.js";
import type { FitData } from "../../train/classic/data.js";
import { xgb, xgboostThreads, type Handle } from "./library.js";
import { rowCosts, SHAP_STEP_OPS, type Objective, type XgbModel } from "./model.js";
import type { XgboostSpec } from "./spec.js";

/** Progress goes out at most this often (and after the last round). */
const REPORT_MS = 250;
/** A checkpoint is written at most this often (and when the worker shuts down). */
const CHECKPOINT_MS = 5_000;

export function objectiveOf(k: number): Objective {
  return k === 0 ? "reg:squarederror" : k === 2 ? "binary:logistic" : "multi:softprob";
}

/** XGBoost's parameters for a spec and task (names as in XGBoost's parameter reference). */
export function boosterParams(spec: XgboostSpec, k: number, threads: number): Array<[string, string]> {
  const objective = objectiveOf(k);
  const params: Array<[string, string]> = [
    ["objective", objective],
    ["eta", String(spec.learningRate)],
    ["max_depth", String(spec.maxDepth)],
    ["min_child_weight", String(spec.minChildWeight)],
    ["subsample", String(spec.subsample)],
    ["colsample_bytree", String(spec.colsampleBytree)],
    ["lambda", String(spec.lambda)],
    ["alpha", String(spec.alpha)],
    ["gamma", String(spec.gamma)],
    ["max_bin", String(spec.maxBin)],
    ["tree_method", spec.treeMethod],
    ["seed", String(spec.seed)],
    ["nthread", String(threads)],
  ];
  if (objective === "multi:softprob") params.push(["num_class", String(k)]);
  if (spec.scalePosWeight !== undefined && objective === "binary:logistic") params.push(["scale_pos_weight", String(spec.scalePosWeight)]);
  // The loss first (early stopping watches it), then the error rate shown as accuracy.
  const metrics = objective === "reg:squarederror" ? ["rmse"] : objective === "binary:logistic" ? ["logloss", "error"] : ["mlogloss", "merror"];
  for (const m of metrics) params.push(["eval_metric", m]);
  return params;
}

/** "[3]\ttrain-logloss:0.2\ttrain-error:0.1\tval-logloss:..." as Keras-style logs (loss, accuracy, val_loss, val_accuracy). */
export function parseEval(line: string): EpochLogs {
  const logs: EpochLogs = {};
  for (const field of line.split("\t").slice(1)) {
    const m = /^(train|val)-(\w+):(.+)$/.exec(field);
    if (!m) continue;
    const prefix = m[1] === "val" ? "val_" : "";
    const value = Number(m[3]);
    if (m[2] === "error" || m[2] === "merror") logs[`${prefix}accuracy`] = 1 - value;
    else logs[`${prefix}loss`] = value;
  }
  return logs;
}

const labelsOf = (data: FitData) => Float32Array.from(data.y);

/** Fits a booster on the encoded rows; validation rows are evaluated each round and drive early stopping. */
export async function fitBooster(spec: XgboostSpec, train: FitData, run: ClassicRun): Promise<ClassicFit<XgbModel>> {
  const lib = xgb();
  const threads = xgboostThreads();
  const { hooks } = run;
  const validation = run.validation && run.validation.n > 0 ? run.validation : undefined;
  const params = boosterParams(spec, train.k, threads);
  const dtrain = lib.dmatrix(train.x, train.n, train.d, labelsOf(train), train.weight ?? null, threads);
  const dval = validation ? lib.dmatrix(validation.x, validation.n, validation.d, labelsOf(validation), validation.weight ?? null, threads) : undefined;
  const matrices = dval ? [dtrain, dval] : [dtrain];
  const names = dval ? ["train", "val"] : ["train"];
  const stopping = spec.earlyStoppingRounds;
  if (stopping && !dval) run.warnings.push("earlyStoppingRounds needs validation rows (split.validation > 0): all rounds were run");

  const resume = hooks.resume;
  let booster: Handle = resume ? lib.load(new Uint8Array(resume.data), params) : lib.booster(matrices, params);
  const history: Record<string, number[]> = resume ? structuredClone(resume.history) : {};
  let best = resume?.callbacks.stopper
    ? { loss: resume.callbacks.stopper.best ?? Infinity, round: resume.callbacks.stopper.bestEpoch }
    : { loss: Infinity, round: -1 };
  const first = resume?.epoch ?? 0;
  const started = Date.now();
  const deadline = run.maxSeconds !== undefined && Number.isFinite(run.maxSeconds) ? started + run.maxSeconds * 1000 : Infinity;
  let pending: EpochLogs[] = [];
  let lastReport = Date.now();
  let lastCheckpoint = Date.now();
  let done = first;
  let interrupted = false;

  const checkpoint = async (): Promise<void> => {
    if (!hooks.onCheckpoint) return;
    const cp: Checkpoint = {
      epoch: done,
      history,
      callbacks: {
        stopper: { best: Number.isFinite(best.loss) ? best.loss : null, bestEpoch: best.round, wait: done - 1 - best.round },
        lr: spec.learningRate,
      },
      weightSpecs: [],
      data: lib.save(booster, "ubj"),
    };
    await hooks.onCheckpoint(cp);
    lastCheckpoint = Date.now();
  };
  // Reports the rounds since the last report; false when the job was cancelled.
  const report = async (): Promise<boolean> => {
    const batch = pending;
    pending = [];
    lastReport = Date.now();
    if (!batch.length) return true;
    return reportRounds(hooks, done - batch.length, batch);
  };

  try {
    for (let round = first; round < spec.nEstimators; round++) {
      lib.update(booster, round, dtrain);
      const logs = parseEval(lib.evaluate(booster, round, matrices, names));
      for (const [key, value] of Object.entries(logs)) (history[key] ??= []).push(value);
      pending.push(logs);
      done = round + 1;
      const watched = logs.val_loss;
      if (watched !== undefined && watched < best.loss) best = { loss: watched, round };
      const stop = (stopping !== undefined && dval !== undefined && round - best.round >= stopping) || Date.now() > deadline;
      if (stop || done === spec.nEstimators || Date.now() - lastReport >= REPORT_MS) {
        if (!(await report())) {
          interrupted = true;
          break;
        }
        if (hooks.stopRequested?.()) {
          await checkpoint();
          interrupted = true;
          break;
        }
        if (Date.now() - lastCheckpoint >= CHECKPOINT_MS && (hooks.checkpointEvery ?? 0) > 0 && !stop && done < spec.nEstimators) await checkpoint();
      }
      if (stop) {
        if (Date.now() > deadline) run.warnings.push(`stopped at training.maxSeconds (or MAX_JOB_SECONDS) after ${done} of ${spec.nEstimators} rounds`);
        break;
      }
    }
    if (interrupted) return { kind: "interrupted" };
    // Early stopping keeps the best round's model, as xgb.train's best_iteration with slicing.
    const keep = stopping !== undefined && dval !== undefined && best.round >= 0 ? best.round + 1 : done;
    if (keep < lib.rounds(booster)) {
      const sliced = lib.slice(booster, 0, keep);
      lib.free(booster);
      booster = sliced;
    }
    const model: XgbModel = { booster: lib.save(booster, "json").toString("utf8"), objective: objectiveOf(train.k), classes: train.k, rounds: keep };
    const { nodes, shapSteps } = rowCosts(model);
    const facts: Record<string, number> = {
      rounds: keep,
      roundsRun: done,
      nodes,
      params: nodes,
      threads,
      explainOpsPerRow: shapSteps * SHAP_STEP_OPS,
    };
    if (keep < done) facts.bestRound = keep; // 1-based, as Keras counts epochs
    return {
      kind: "classic",
      model,
      facts,
      rounds: { history, run: done, ...(keep < done ? { restoredRound: keep } : {}), ...(resume ? { resumedAt: first } : {}) },
    };
  } finally {
    lib.free(booster);
    lib.free(dtrain);
    if (dval) lib.free(dval);
  }
}

/** The rounds as epochs: one call for a batch when the hooks take batches, else one per round. */
async function reportRounds(hooks: FitHooks, first: number, logs: EpochLogs[]): Promise<boolean> {
  if (hooks.onEpochs) return hooks.onEpochs(first, logs);
  for (let i = 0; i < logs.length; i++) if (!(await hooks.onEpoch(first + i, logs[i]!))) return false;
  return true;
}
