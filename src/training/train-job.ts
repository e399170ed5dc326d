import { tf } from "./tf.js";
import type { ColumnProfile } from "../datasets/profile.js";
import type { Table } from "../datasets/read-table.js";
import { resolveColumns, type Task } from "./columns.js";
import { prepareData, type Part } from "./prepare.js";
import { buildOptimizer, buildSequential, LOSS_BY_MODE, planOutput, type OutputMode } from "./build-model.js";
import { fitModel, type FitHooks } from "./fit.js";
import { classificationMetrics, regressionMetrics, type ClassificationMetrics, type RegressionMetrics } from "./evaluate.js";
import { predictMatrix } from "./predict.js";
import { foldTargetScale, summarize, toArtifacts, type ModelSummary, type StoredArtifacts } from "./export.js";
import type { Preprocessing } from "./preprocess.js";
import type { JobRequest } from "./spec/job-request.js";
import { TrainingError } from "./training-error.js";
import { diagnose, priorLoss, type Diagnosis } from "./diagnose.js";

export type Metrics = ClassificationMetrics | RegressionMetrics;

export interface TrainResult {
  task: Task;
  outputMode: OutputMode;
  preprocessing: Preprocessing;
  summary: ModelSummary;
  artifacts: StoredArtifacts;
  metrics: { test?: Metrics; validation?: Metrics };
  diagnosis: Diagnosis;
  history: Record<string, number[]>;
  epochsRun: number;
  restoredEpoch?: number;
  warnings: string[];
}

export type TrainOutcome = { status: "succeeded"; result: TrainResult } | { status: "interrupted" };

/** The targets of one part as the output layer wants them: 0/1, one-hot, or standardized values. */
function targets(part: Part, mode: OutputMode, classes: number, scale?: { mean: number; std: number }): tf.Tensor2D {
  if (mode === "softmax") {
    const y = new Float32Array(part.n * classes);
    part.truth.forEach((c, i) => (y[i * classes + c] = 1));
    return tf.tensor2d(y, [part.n, classes]);
  }
  const y = Float32Array.from(part.truth, (v) => (scale ? (v - scale.mean) / scale.std : v));
  return tf.tensor2d(y, [part.n, 1]);
}

/** Loss of knowing only the target's distribution: class entropy, or 1 for a standardized target. */
function baselineLoss(train: Part, classes: number): number {
  if (classes === 0) return 1;
  const counts = new Array<number>(classes).fill(0);
  train.truth.forEach((c) => counts[c]!++);
  return priorLoss(counts);
}

/** Keras's `balanced` weights n / (classes * count), or the given weights by label name. */
function classWeights(req: JobRequest, labels: string[], train: Part): Record<number, number> | undefined {
  const spec = req.training.classWeight;
  if (!spec) return undefined;
  if (spec === "balanced") {
    const counts = labels.map(() => 0);
    train.truth.forEach((c) => counts[c]!++);
    return Object.fromEntries(counts.map((c, i) => [i, c === 0 ? 1 : train.n / (labels.length * c)]));
  }
  const unknown = Object.keys(spec).filter((l) => !labels.includes(l));
  if (unknown.length) throw new TrainingError("invalid_class_weight", `classWeight names unknown labels ${unknown.join(", ")}; labels are ${labels.join(", ")}`);
  return Object.fromEntries(labels.map((l, i) => [i, spec[l] ?? 1]));
}

/**
 * Trains one job end to end on an in-memory table: columns, split, preprocessing, network,
 * fit, evaluation and export. Knows nothing of HTTP, queues or storage; `hooks` reports epochs.
 */
export async function trainJob(table: Table, req: JobRequest, columns: ColumnProfile[], hooks: FitHooks): Promise<TrainOutcome> {
  const resolved = resolveColumns(req, columns);
  const data = prepareData(table, req.target, resolved, req.split, req.preprocessing);
  const labels = data.preprocessing.target.task === "classification" ? data.preprocessing.target.labels : [];
  const plan = planOutput(req.model.layers, data.task, labels.length);
  const model = buildSequential(req.model, data.inputs, plan, req.training.seed);
  const tensors: tf.Tensor[] = [];
  const t2 = (p: Part) => {
    const pair: [tf.Tensor2D, tf.Tensor2D] = [tf.tensor2d(p.x, [p.n, data.inputs]), targets(p, plan.mode, labels.length, data.targetScale)];
    tensors.push(...pair);
    return pair;
  };
  try {
    model.compile({
      optimizer: buildOptimizer(req.training.optimizer),
      loss: LOSS_BY_MODE[plan.mode],
      metrics: data.task === "classification" ? ["accuracy"] : ["mae"],
    });
    const [x, y] = t2(data.train);
    const fit = await fitModel(
      model,
      { x, y, validation: data.validation.n > 0 ? t2(data.validation) : undefined, classWeight: data.task === "classification" ? classWeights(req, labels, data.train) : undefined },
      req.training,
      hooks,
    );
    if (fit.interrupted) return { status: "interrupted" };
    if (data.targetScale) foldTargetScale(model, data.targetScale);
    const evaluate = (p: Part): Metrics | undefined => {
      if (p.n === 0) return undefined;
      const { values } = predictMatrix(model, p.x, p.n, data.inputs, plan.mode);
      return data.task === "classification" ? classificationMetrics(values, p.truth, labels) : regressionMetrics(values, p.truth);
    };
    const warnings = [...resolved.warnings, ...data.warnings, ...fit.warnings];
    if (data.validation.n === 0 && req.training.earlyStopping?.monitor.startsWith("val_")) {
      warnings.push("split.validation is 0, so there are no val_ metrics to stop on");
    }
    return {
      status: "succeeded",
      result: {
        task: data.task,
        outputMode: plan.mode,
        preprocessing: data.preprocessing,
        summary: summarize(model),
        artifacts: await toArtifacts(model),
        metrics: { test: evaluate(data.test), validation: evaluate(data.validation) },
        diagnosis: diagnose(fit.history, baselineLoss(data.train, labels.length)),
        history: fit.history,
        epochsRun: fit.epochsRun,
        restoredEpoch: fit.restoredEpoch,
        warnings,
      },
    };
  } finally {
    tf.dispose(tensors);
    model.dispose();
  }
}
