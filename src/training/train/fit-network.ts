import { tf, type tfl } from "../engine/tf.js";
import { buildOptimizer, tfjsLoss, tfjsMetrics } from "../engine/tfjs-builders.js";
import type { OutputPlan } from "../spec/output-plan.js";
import type { Network } from "./network.js";
import type { InputGroup, NetworkContext } from "../spec/network-context.js";
import { DEFAULT_LOSS, LOSSES_BY_MODE, type LossName, type TrainingOptions } from "../spec/training-options.js";
import { fitModel, type FitHooks, type FitOutcome } from "../engine/epoch-loop.js";
import { classificationMetrics, heldOutOf, regressionMetrics, type HeldOut, type Metrics } from "../evaluate/metrics.js";
import { inputTensors, predictMatrix } from "../evaluate/predict.js";
import type { Part, PreparedData } from "../data/parts.js";
import { TrainingError } from "../spec/training-error.js";

export type { Metrics };

/** Builds the network a family describes over the input groups (the family's `build`). */
export type BuildNetwork = (groups: InputGroup[], ctx: NetworkContext) => Promise<Network>;

export interface Fitted {
  model: tfl.LayersModel;
  plan: OutputPlan;
  fit: FitOutcome;
  warnings: string[];
  /** Metrics of a part on this model (undefined for an empty part); call before foldTargetScale. */
  evaluate(part: Part): Metrics | undefined;
  /** The predictions of the last part evaluated that knows its rows (train-job asks after the test part). */
  heldOut(): HeldOut | undefined;
  /** Frees the model and its optimizer's slots (a compiled model does not own an optimizer instance). */
  dispose(): void;
}

function disposeCompiled(model: tfl.LayersModel): void {
  (model.optimizer as tf.Optimizer | undefined)?.dispose();
  model.dispose();
}

/** The targets of one part as the loss wants them: 0/1, one-hot, class indices, or (standardized) values. */
function targets(part: Part, plan: OutputPlan, loss: LossName, scale?: { mean: number; std: number }): tf.Tensor2D {
  if (plan.mode === "softmax" && loss !== "sparse_categorical_crossentropy") {
    const y = new Float32Array(part.n * plan.units);
    part.truth.forEach((c, i) => (y[i * plan.units + c] = 1));
    return tf.tensor2d(y, [part.n, plan.units]);
  }
  const y = Float32Array.from(part.truth, (v) => (scale ? (v - scale.mean) / scale.std : v));
  return tf.tensor2d(y, [part.n, 1]);
}

/** Per-row weights times the row's class weight (Keras multiplies sample_weight by class_weight). */
export function rowWeights(part: Part, classWeight?: Record<number, number>): Float32Array {
  return Float32Array.from(part.truth, (c, i) => (part.weight?.[i] ?? 1) * (classWeight?.[c] ?? 1));
}

/** Keras's `balanced` weights n / (classes * count), or the given weights by label name. */
export function classWeights(training: TrainingOptions, labels: string[], train: Part): Record<number, number> | undefined {
  const spec = training.classWeight;
  if (!spec) return undefined;
  if (spec === "balanced") {
    const counts = labels.map(() => 0);
    train.truth.forEach((c) => counts[c]!++);
    return Object.fromEntries(counts.map((c, i) => [i, c === 0 ? 1 : train.n / (labels.length * c)]));
  }
  const unknown = Object.keys(spec).filter((l) => !labels.includes(l));
  if (unknown.length)
    throw new TrainingError("invalid_class_weight", `classWeight names unknown labels ${unknown.join(", ")}; labels are ${labels.join(", ")}`);
  return Object.fromEntries(labels.map((l, i) => [i, spec[l] ?? 1]));
}

/**
 * Builds, compiles and fits one network on `data.train` (validating on `data.validation` when
 * it has rows). The caller owns the returned model and disposes it.
 */
export async function fitOnce(data: PreparedData, build: BuildNetwork, training: TrainingOptions, hooks: FitHooks, epochs = training.epochs): Promise<Fitted> {
  const labels = data.preprocessing.target.task === "classification" ? data.preprocessing.target.labels : [];
  const groups = data.preprocessing.groups;
  const { model, plan, warnings } = await build(groups, { task: data.task, classes: labels.length, loss: training.loss, seed: training.seed });
  const loss = training.loss ?? DEFAULT_LOSS[plan.mode];
  if (!LOSSES_BY_MODE[plan.mode].has(loss)) {
    model.dispose();
    throw new TrainingError(
      "invalid_loss",
      `loss ${loss} does not fit a ${plan.mode} output (${plan.units} units); use ${[...LOSSES_BY_MODE[plan.mode]].join(", ")}`,
    );
  }
  const tensors: tf.Tensor[] = [];
  const pair = (p: Part): [tf.Tensor2D[], tf.Tensor2D] => {
    const xs = inputTensors(p.x, p.n, data.inputs, groups);
    const y = targets(p, plan, loss, data.targetScale);
    tensors.push(...xs, y);
    return [xs, y];
  };
  try {
    model.compile({
      optimizer: buildOptimizer(training.optimizer),
      loss: tfjsLoss(loss) as string,
      metrics: tfjsMetrics(training.metrics ?? (data.task === "classification" ? ["accuracy"] : ["mae"])),
    });
    const [x, y] = pair(data.train);
    const classWeight = data.task === "classification" ? classWeights(training, labels, data.train) : undefined;
    const fit = await fitModel(
      model,
      {
        x,
        y,
        validation: data.validation.n > 0 ? pair(data.validation) : undefined,
        ...(data.train.weight ? { sampleWeight: rowWeights(data.train, classWeight) } : { classWeight }),
        loss,
      },
      { ...training, epochs },
      hooks,
    );
    let heldOut: HeldOut | undefined;
    const evaluate = (p: Part): Metrics | undefined => {
      if (p.n === 0) return undefined;
      const { values, width } = predictMatrix(model, p.x, p.n, groups, plan.mode);
      if (data.task === "classification") {
        if (p === data.test) heldOut = heldOutOf(p, values, width);
        return classificationMetrics(values, p.truth, labels);
      }
      // The network predicts the standardized target: evaluate before foldTargetScale.
      const s = data.targetScale;
      const units = s ? values.map((v) => v * s.std + s.mean) : values;
      if (p === data.test) heldOut = heldOutOf(p, units, 1);
      return regressionMetrics(units, p.truth);
    };
    return { model, plan, fit, evaluate, heldOut: () => heldOut, warnings, dispose: () => disposeCompiled(model) };
  } catch (err) {
    disposeCompiled(model);
    throw err;
  } finally {
    tf.dispose(tensors);
  }
}
