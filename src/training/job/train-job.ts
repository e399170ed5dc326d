import type { ColumnProfile } from "../../tables/profile.js";
import type { Table } from "../../tables/read-table.js";
import type { ResolvedColumns } from "../data/columns.js";
import { resolveColumns } from "./resolve-columns.js";
import { encodeParts, sampleOf, selectRows, type Part, type Selected } from "../data/parts.js";
import { SCALE_FREE_LOSSES } from "../spec/training-options.js";
import type { EpochLogs, FitHooks } from "../engine/epoch-loop.js";
import { fitOnce, type BuildNetwork, type Metrics } from "../train/fit-network.js";
import { foldTargetScale, summarize, toArtifacts } from "../formats/tfjs.js";
import type { JobRequest } from "./job-request.js";
import { diagnose, priorLoss, type Diagnosis } from "../evaluate/diagnose.js";
import { foldSplit, kFolds, splitRows } from "../data/split.js";
import { withSeededRandom } from "../engine/rng.js";
import { familyOf } from "../families/index.js";
import { crossValidationReport, type CrossValidationReport } from "../evaluate/cv-report.js";
import { phaseClock, type PhaseClock } from "../engine/phase-clock.js";
import { scoreFeatures, selectFeatures } from "./feature-selection.js";

export type { Metrics };

export type { TrainOutcome, TrainResult } from "../train/train-result.js";
import type { TrainOutcome } from "../train/train-result.js";

/** Loss of knowing only the target's distribution: class entropy, or 1 for a standardized target. */
function baselineLoss(train: Part, classes: number): number {
  if (classes === 0) return 1;
  const counts = new Array<number>(classes).fill(0);
  train.truth.forEach((c) => counts[c]!++);
  return priorLoss(counts);
}

/** Regression trains on a standardized target unless the loss needs raw values (mape, msle, poisson). */
function scaleTarget(req: JobRequest): boolean {
  return !req.training.loss || SCALE_FREE_LOSSES.has(req.training.loss);
}

/** The verdict most folds reached (the first fold's on a tie), with that fold's evidence. */
function mostCommon(diagnoses: Diagnosis[]): Diagnosis {
  const votes = new Map<string, number>();
  for (const d of diagnoses) votes.set(d.verdict, (votes.get(d.verdict) ?? 0) + 1);
  const best = Math.max(...votes.values());
  return diagnoses.find((d) => votes.get(d.verdict) === best)!;
}

/** Numbers epochs across CV folds and the refit, and tags each fold's logs with its number. */
function phaseHooks(hooks: FitHooks) {
  let offset = 0;
  const tag = (logs: EpochLogs, fold?: number) => (fold === undefined ? logs : { ...logs, fold });
  return (fold?: number): FitHooks & { done(run: number): void } => ({
    onEpoch: (epoch, logs) => hooks.onEpoch(offset + epoch, tag(logs, fold)),
    ...(hooks.onEpochs
      ? {
          onEpochs: (first: number, logs: EpochLogs[]) =>
            hooks.onEpochs!(
              offset + first,
              logs.map((l) => tag(l, fold)),
            ),
        }
      : {}),
    done: (run) => (offset += run),
  });
}

/**
 * Trains one job end to end on an in-memory table: columns, split (or k-fold CV and a refit),
 * preprocessing, network, fit, evaluation and export. Knows nothing of HTTP, queues or storage.
 */
/** The network a request's model family builds. */
const buildOf =
  (req: JobRequest): BuildNetwork =>
  (groups, ctx) =>
    familyOf(req.model).build(req.model, groups, ctx);

export function trainJob(table: Table, req: JobRequest, columns: ColumnProfile[], hooks: FitHooks, clock = phaseClock()): Promise<TrainOutcome> {
  return withSeededRandom(req.training.seed, () => train(table, req, columns, hooks, clock));
}

async function train(table: Table, req: JobRequest, columns: ColumnProfile[], hooks: FitHooks, clock: PhaseClock): Promise<TrainOutcome> {
  const all = resolveColumns(req, columns);
  const sel = selectRows(table, req.target, all, req.preprocessing, req.training.sampleWeight);
  const strata = sel.task === "classification" && req.split.stratify ? sel.truth : undefined;
  const phase = phaseHooks(hooks);
  const warnings = [...all.warnings, ...sel.warnings];
  let parts = req.split.fold
    ? foldSplit(sel.truth.length, req.split.fold, { validation: req.split.validation, seed: req.split.seed, strata })
    : splitRows(sel.truth.length, { test: req.split.test, validation: req.split.validation, seed: req.split.seed, strata });
  // Feature selection sees the training rows only (job creation refuses it with crossValidation).
  const fs = req.preprocessing.featureSelection;
  const chosen = fs
    ? selectFeatures(all, scoreFeatures(sel, all, parts.train, fs.method, { preprocessing: req.preprocessing, seed: req.split.seed }), fs)
    : undefined;
  const resolved = chosen?.resolved ?? all;
  const withSelection = <T extends TrainOutcome>(outcome: T): T => {
    if (outcome.status !== "succeeded" || !chosen) return outcome;
    outcome.result.preprocessing.featureSelection = chosen.result;
    outcome.result.metrics.featureSelection = chosen.result;
    return outcome;
  };

  const family = familyOf(req.model);
  // A family's own training is one run (no CV folds here): it gets the checkpoint and shutdown hooks too.
  const { onCheckpoint, checkpointEvery, resume, stopRequested } = hooks;
  if (family.train)
    return withSelection(
      await family.train({ sel, resolved, req, parts, hooks: { ...phase(), onCheckpoint, checkpointEvery, resume, stopRequested }, warnings, clock }),
    );

  let crossValidation: CrossValidationReport | undefined;
  let epochs = req.training.epochs;
  if (req.crossValidation) {
    const cv = await crossValidate(sel, resolved, req, [...parts.train, ...parts.validation], phase);
    if (!cv) return { status: "interrupted" };
    crossValidation = cv.report;
    epochs = cv.refitEpochs;
    parts = { train: [...parts.train, ...parts.validation], validation: [], test: parts.test };
  }

  clock.lap(req.crossValidation ? "crossValidation" : "prepare");
  const data = encodeParts(sel, resolved, req.preprocessing, parts, scaleTarget(req));
  clock.lap("prepare");
  // Checkpoints cover the single fit; a cross-validated job restarts its folds on a retry.
  const hooksFinal = crossValidation ? phase() : { ...phase(), onCheckpoint, checkpointEvery, resume, stopRequested };
  const fitted = await fitOnce(data, buildOf(req), req.training, hooksFinal, epochs);
  clock.lap("fit");
  try {
    if (fitted.fit.interrupted) return { status: "interrupted" };
    const metrics = {
      test: fitted.evaluate(data.test),
      validation: fitted.evaluate(data.validation),
      // The score on (a sample of) the rows it learned from: beside validation, it tells over- from underfitting.
      train: fitted.evaluate(sampleOf(data.train)),
      crossValidation,
      engine: fitted.fit.engine,
      phases: clock.phases,
      ...(fitted.fit.resumedAt ? { resumedAtEpoch: fitted.fit.resumedAt } : {}),
    };
    clock.lap("evaluate");
    if (data.targetScale) foldTargetScale(fitted.model, data.targetScale);
    if (data.validation.n === 0 && !crossValidation && req.training.earlyStopping?.monitor.startsWith("val_")) {
      warnings.push("split.validation is 0, so there are no val_ metrics to stop on");
    }
    const baseline = baselineLoss(data.train, sel.labels.length);
    const diagnosis = crossValidation
      ? mostCommon(crossValidation.perFold.map((f) => diagnose(f.history as Record<string, number[]>, baseline)))
      : diagnose(fitted.fit.history, baseline);
    return withSelection({
      status: "succeeded",
      result: {
        task: data.task,
        outputMode: fitted.plan.mode,
        preprocessing: data.preprocessing,
        summary: summarize(fitted.model),
        artifacts: await toArtifacts(fitted.model).finally(() => clock.lap("export")),
        metrics,
        diagnosis,
        heldOut: fitted.heldOut(),
        history: fitted.fit.history,
        epochsRun: fitted.fit.epochsRun,
        restoredEpoch: fitted.fit.restoredEpoch,
        warnings: [...warnings, ...fitted.fit.warnings],
      },
    });
  } finally {
    fitted.dispose();
  }
}

/**
 * k-fold cross-validation: each fold's network is trained on the other folds (preprocessing
 * fitted on them too) and scored on its own. The refit then trains for the folds' mean best
 * epoch count when early stopping chose one, else for `epochs`. Undefined when interrupted.
 */
async function crossValidate(sel: Selected, resolved: ResolvedColumns, req: JobRequest, rows: number[], phase: ReturnType<typeof phaseHooks>) {
  const k = req.crossValidation!.folds;
  const strata = sel.task === "classification" && req.crossValidation!.stratify ? sel.truth : undefined;
  const folds = kFolds(rows, k, req.split.seed, strata);
  const perFold: Array<{ metrics: Metrics; history: Record<string, number[]>; epochs: number }> = [];
  for (let f = 0; f < k; f++) {
    const parts = { train: folds.filter((_, g) => g !== f).flat(), validation: folds[f]!, test: [] };
    const data = encodeParts(sel, resolved, req.preprocessing, parts, scaleTarget(req));
    const hooks = phase(f + 1);
    const fitted = await fitOnce(data, buildOf(req), req.training, hooks);
    try {
      if (fitted.fit.interrupted) return undefined;
      perFold.push({ metrics: fitted.evaluate(data.validation)!, history: fitted.fit.history, epochs: fitted.fit.restoredEpoch ?? fitted.fit.epochsRun });
      hooks.done(fitted.fit.epochsRun);
    } finally {
      fitted.dispose();
    }
  }
  const report = crossValidationReport(
    perFold.map((p) => p.metrics),
    perFold.map((p) => p.history),
  );
  const refitEpochs = req.training.earlyStopping ? Math.max(1, Math.round(perFold.reduce((s, p) => s + p.epochs, 0) / k)) : req.training.epochs;
  return { report: { ...report, refitEpochs }, refitEpochs };
}
