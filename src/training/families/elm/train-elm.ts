import { phaseClock, type PhaseClock } from "../../engine/phase-clock.js";
import { tf, tfl } from "../../engine/tf.js";
import { elmOutput, type OutputMode } from "../../spec/output-plan.js";
import type { ResolvedColumns } from "../../data/columns.js";
import { diagnose } from "../../evaluate/diagnose.js";
import { complexityGraph, complexityView } from "../../evaluate/complexity.js";
import { meanStd } from "../../evaluate/cv-report.js";
import { classificationMetrics, heldOutOf, regressionMetrics, type HeldOut } from "../../evaluate/metrics.js";
import { summarize, toArtifacts } from "../../formats/tfjs.js";
import type { FitHooks } from "../../engine/epoch-loop.js";
import type { Metrics } from "../../evaluate/metrics.js";
import { predictMatrix } from "../../evaluate/predict.js";
import { encodeParts, sampleOf, type Part, type Selected } from "../../data/parts.js";
import type { ElmSpec } from "./spec.js";
import type { RequestOf } from "../../spec/request.js";
import type { SplitIndices } from "../../data/split.js";
import type { TrainOutcome } from "../../train/train-result.js";
import { plattScaling, temperature } from "./calibrate.js";
import { fitElm, keptScores, nativeScores, type ElmData } from "./fit-elm.js";
import { elmModel } from "./hidden.js";

/** ELM targets: +-1 for binary (so 0 is the boundary), one-hot for multiclass, standardized values for regression. */
function targetsOf(part: Part, mode: OutputMode, k: number, scale?: { mean: number; std: number }): Float32Array {
  if (mode === "softmax") {
    const t = new Float32Array(part.n * k);
    part.truth.forEach((c, i) => (t[i * k + c] = 1));
    return t;
  }
  if (mode === "sigmoid") return Float32Array.from(part.truth, (c) => 2 * c - 1);
  return Float32Array.from(part.truth, (v) => (scale ? (v - scale.mean) / scale.std : v));
}

/**
 * Trains an ELM job: encode as for any model, fit the random layer(s) and the output weights in
 * closed form, calibrate scores into probabilities, and export a plain TF.js model:
 * Dense(hidden, activation) holding W and b, then Dense(outputs) holding beta.
 */
export async function trainElm(
  sel: Selected,
  resolved: ResolvedColumns,
  req: RequestOf<ElmSpec>,
  parts: SplitIndices,
  hooks: FitHooks,
  warnings: string[],
  clock = phaseClock(),
): Promise<TrainOutcome> {
  const spec = req.model;
  if (resolved.groups.length !== 1) throw new Error("an ELM has one input");
  const data = encodeParts(sel, resolved, req.preprocessing, parts, true);
  clock.lap("prepare");
  const classes = sel.labels.length;
  const { mode, units: k } = elmOutput(data.task, classes);
  const asData = (p: Part): ElmData => ({ n: p.n, x: p.x, t: targetsOf(p, mode, k, data.targetScale) });
  const pool = [data.train, data.validation];
  const truthAt = (i: number) => (i < data.train.n ? data.train.truth[i]! : data.validation.truth[i - data.train.n]!);
  const fit = await fitElm(spec, {
    inputs: data.inputs,
    k,
    train: asData(data.train),
    validation: data.validation.n ? asData(data.validation) : undefined,
    score: (pred, rows) => scoreOf(pred, rows.map(truthAt), mode, k, data.targetScale),
    onCandidate: (step, logs) => hooks.onEpoch(step, logs),
    deadline: req.training.maxSeconds !== undefined && Number.isFinite(req.training.maxSeconds) ? Date.now() + req.training.maxSeconds * 1000 : undefined,
  });
  if (!fit) return { status: "interrupted" };
  if (!fit.search.length) await hooks.onEpoch(0, { hiddenUnits: fit.units });
  warnings.push(...fit.warnings);

  // Calibrate on the rows the output weights were fitted on.
  const fitted = fit.search.length && data.validation.n && typeof spec.hiddenUnits !== "number" && spec.hiddenUnits.by === "validation" ? pool : [data.train];
  // Raw scores first (linear output), to calibrate them into probabilities: in BLAS where it can,
  // else through the tfjs model with a linear output (built only then).
  clock.lap("fit");
  let linear: tfl.Sequential | undefined;
  const raw = (p: Part) =>
    (p === data.train ? keptScores(fit, k) : undefined) ??
    nativeScores(fit, p.x, p.n, data.inputs, k) ??
    predictMatrix((linear ??= exportModel(fit, data.inputs, "linear", k, 1, new Array<number>(k).fill(0))), p.x, p.n, data.preprocessing.groups, "linear")
      .values;
  let calibrated: [number, number[]];
  try {
    calibrated = calibration(fitted, raw, mode, k, data.targetScale, clock);
  } finally {
    linear?.dispose();
  }
  const final = exportModel(fit, data.inputs, mode, k, ...calibrated);
  clock.lap("calibrate");
  try {
    let heldOut: HeldOut | undefined;
    const evaluate = (p: Part): Metrics | undefined => {
      if (p.n === 0) return undefined;
      const { values, width } = predictMatrix(final, p.x, p.n, data.preprocessing.groups, mode);
      if (p === data.test) heldOut = heldOutOf(p, values, width);
      return data.task === "classification" ? classificationMetrics(values, p.truth, sel.labels) : regressionMetrics(values, p.truth);
    };
    if (spec.activation === "sine" || spec.activation === "rbf" || spec.layers.some((l) => l.activation === "sine" || l.activation === "rbf")) {
      warnings.push("this ELM's model.json uses the custom layers ElmSine/ElmRbf: define them in a TF.js app before tf.loadLayersModel (see README)");
    }
    const history: Record<string, number[]> = fit.search.length
      ? {
          hiddenUnits: fit.search.map((s) => s.hiddenUnits),
          val_score: fit.search.map((s) => s.score),
          val_loss: fit.search.map((s) => s.loss),
          train_score: fit.search.map((s) => s.train.reduce((a, b) => a + b, 0) / s.train.length),
        }
      : { hiddenUnits: [fit.units] };
    // The size search as a model complexity graph: each size's training and held-out score over its folds.
    const complexity =
      fit.search.length >= 2
        ? complexityGraph(
            {
              by: "hiddenUnits",
              label: "hidden units",
              metric: data.task === "classification" ? "accuracy" : "r2",
              slice:
                typeof spec.hiddenUnits !== "number" && spec.hiddenUnits.by === "cv"
                  ? `the ELM's size search, ${spec.hiddenUnits.folds} folds`
                  : "the ELM's size search, on the validation rows",
            },
            fit.search.map((s) => ({
              value: s.hiddenUnits,
              // The random hidden weights and biases, and the solved output weights (one hidden layer).
              parameters: s.hiddenUnits * (data.inputs + 1) + s.hiddenUnits * k + k,
              train: meanStd(s.train),
              validation: meanStd(s.folds),
              folds: s.folds.length,
              name: `hiddenUnits=${s.hiddenUnits}`,
            })),
            false,
          )
        : undefined;
    const metrics = {
      test: evaluate(data.test),
      validation: evaluate(data.validation),
      train: evaluate(sampleOf(data.train)),
      elm: { hiddenUnits: fit.units, alpha: fit.alpha, seconds: fit.seconds },
      ...(complexity ? complexityView(complexity) : {}),
      phases: clock.phases,
    };
    clock.lap("evaluate");
    const artifacts = await toArtifacts(final);
    clock.lap("export");
    return {
      status: "succeeded",
      result: {
        task: data.task,
        outputMode: mode,
        preprocessing: data.preprocessing,
        summary: summarize(final),
        artifacts,
        metrics,
        diagnosis: diagnose({}, 1),
        heldOut,
        history,
        epochsRun: Math.max(1, fit.search.length),
        warnings,
      },
    };
  } finally {
    final.dispose();
  }
}

function scoreOf(pred: Float64Array, truth: number[], mode: OutputMode, k: number, scale?: { mean: number; std: number }) {
  let hits = 0;
  let se = 0;
  truth.forEach((t, i) => {
    if (mode === "softmax") {
      let best = 0;
      for (let c = 1; c < k; c++) if (pred[i * k + c]! > pred[i * k + best]!) best = c;
      if (best === t) hits++;
      for (let c = 0; c < k; c++) se += (pred[i * k + c]! - (c === t ? 1 : 0)) ** 2;
    } else if (mode === "sigmoid") {
      if ((pred[i]! >= 0 ? 1 : 0) === t) hits++;
      se += (pred[i]! - (2 * t - 1)) ** 2;
    } else {
      const y = scale ? (t - scale.mean) / scale.std : t;
      se += (pred[i]! - y) ** 2;
    }
  });
  const loss = se / truth.length;
  // Regression: R^2 of the standardized target (its variance is ~1).
  return { score: mode === "linear" ? 1 - loss : hits / truth.length, loss };
}

/** The output layer's kernel scale and bias: Platt, temperature, or undoing the target's standardization. */
function calibration(
  parts: Part[],
  raw: (p: Part) => Float32Array,
  mode: OutputMode,
  k: number,
  scale: { mean: number; std: number } | undefined,
  clock: PhaseClock,
): [number, number[]] {
  if (mode === "linear") return scale ? [scale.std, [scale.mean]] : [1, [0]];
  const each = parts.map(raw);
  clock.lap("scores");
  const scores = new Float64Array(each.reduce((n, s) => n + s.length, 0));
  each.reduce((at, s) => (scores.set(s, at), at + s.length), 0);
  const labels = Int32Array.from(parts.flatMap((p) => Array.from(p.truth)));
  if (mode === "sigmoid") {
    const { a, c } = plattScaling(scores, labels);
    return [a, [c]];
  }
  return [temperature(scores, labels, k), new Array<number>(k).fill(0)];
}

/**
 * The exported network: the random layers, then Dense(k, activation) holding beta, its kernel
 * scaled and biased by the calibration (or by the target's standardization for regression).
 */
function exportModel(fit: ElmFitResult, inputs: number, mode: OutputMode, k: number, kernelScale: number, bias: number[]): tfl.Sequential {
  const { model, output } = elmModel(fit.layers, k, mode);
  const weights = [
    tf.tensor2d(
      Float32Array.from(fit.beta, (b) => b * kernelScale),
      [fit.units, k],
    ),
    tf.tensor1d(bias),
  ];
  output.setWeights(weights); // copies into the layer's variables
  tf.dispose(weights);
  return model;
}

type ElmFitResult = NonNullable<Awaited<ReturnType<typeof fitElm>>>;
