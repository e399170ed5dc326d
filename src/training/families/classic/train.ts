import type { FamilyTrainRun } from "../family.js";
import { tf, tfl } from "../../engine/tf.js";
import { diagnose } from "../../evaluate/diagnose.js";
import { classificationMetrics, regressionMetrics } from "../../evaluate/metrics.js";
import { summarize, toArtifacts } from "../../formats/tfjs.js";
import type { Metrics } from "../../evaluate/metrics.js";
import type { OutputMode } from "../../spec/output-plan.js";
import { predictMatrix } from "../../evaluate/predict.js";
import { encodeParts, type Part } from "../../data/prepare.js";
import type { BaselineSpec } from "./spec.js";
import type { ModelSummary } from "../../spec/summary.js";
import type { StoredArtifacts } from "../../formats/model-json.js";
import type { TrainOutcome } from "../../train/train-result.js";
import { classPriors, type FitData, type Scores } from "./data.js";
import { fitForest, forestNodes } from "./forest.js";
import { fitLogistic } from "./logistic.js";
import { BASELINE_FORMAT, encodeBaseline, predictBaseline, type BaselineArtifact, type BaselineModel } from "./artifact.js";
import { fitNaiveBayes } from "./naive-bayes.js";
import { fitNeighbours } from "./neighbours.js";
import { fitSvm } from "./svm.js";

/** A fitted baseline: a TF.js network (linear models) or a classic model with its own format. */
type Fitted =
  | { kind: "tfjs"; model: tfl.LayersModel; mode: OutputMode; facts: Record<string, number> }
  | { kind: "classic"; model: BaselineModel; facts: Record<string, number> };

/**
 * Trains a baseline job: the same encoding, split and metrics as a network, then a closed-form or
 * classic fit. Logistic regression and the majority floor export as one Dense layer (TF.js, like
 * any network); SVM, kNN, trees and naive Bayes as the JSON of `model.ts`.
 */
export async function trainBaseline({ sel, resolved, req, parts, hooks, warnings, clock }: FamilyTrainRun): Promise<TrainOutcome> {
  const spec = req.model as BaselineSpec;
  const data = encodeParts(sel, resolved, req.preprocessing, parts, true);
  clock.lap("prepare");
  const k = sel.labels.length;
  const scale = data.targetScale;
  const train: FitData = {
    n: data.train.n,
    d: data.inputs,
    x: data.train.x,
    k,
    weight: data.train.weight,
    y: scale ? data.train.truth.map((v) => (v - scale.mean) / scale.std) : data.train.truth,
  };
  const started = performance.now();
  const fitted = await fit(spec, train, data.targetScale);
  const fitSeconds = (performance.now() - started) / 1000;
  clock.lap("fit");
  if (!(await hooks.onEpoch(0, { seconds: fitSeconds }))) {
    if (fitted.kind === "tfjs") fitted.model.dispose();
    return { status: "interrupted" };
  }
  const artifact: BaselineArtifact | undefined =
    fitted.kind === "classic" ? { ...fitted.model, format: BASELINE_FORMAT, version: 1, task: data.task, inputs: data.inputs, targetScale: scale } : undefined;
  const outputMode: OutputMode = fitted.kind === "tfjs" ? fitted.mode : data.task === "classification" ? "softmax" : "linear";
  const scores = async (p: Part): Promise<Scores> =>
    fitted.kind === "tfjs" ? predictMatrix(fitted.model, p.x, p.n, data.preprocessing.groups, fitted.mode) : predictBaseline(artifact!, p.x, p.n);
  try {
    const evaluate = async (p: Part): Promise<Metrics | undefined> => {
      if (p.n === 0) return undefined;
      const { values } = await scores(p);
      return data.task === "classification" ? classificationMetrics(values, p.truth, sel.labels) : regressionMetrics(values, p.truth);
    };
    const evalStart = performance.now();
    const test = await evaluate(data.test);
    const validation = await evaluate(data.validation);
    const evaluated = data.test.n + data.validation.n;
    const baseline = {
      family: spec.type,
      fitSeconds,
      ...(evaluated ? { predictMsPer1000Rows: ((performance.now() - evalStart) / evaluated) * 1000 } : {}),
      ...fitted.facts,
    };
    clock.lap("evaluate");
    const artifacts: StoredArtifacts =
      fitted.kind === "tfjs"
        ? await toArtifacts(fitted.model)
        : { topology: { format: BASELINE_FORMAT, family: spec.type }, weightSpecs: [], weightData: encodeBaseline(artifact!) };
    clock.lap("export");
    return {
      status: "succeeded",
      result: {
        task: data.task,
        outputMode,
        preprocessing: data.preprocessing,
        summary: fitted.kind === "tfjs" ? summarize(fitted.model) : classicSummary(fitted.model, k, fitted.facts.params ?? 0),
        artifacts,
        metrics: { test, validation, baseline, phases: clock.phases },
        diagnosis: diagnose({}, 1),
        history: {},
        epochsRun: 1,
        warnings,
      },
    };
  } finally {
    if (fitted.kind === "tfjs") fitted.model.dispose();
  }
}

async function fit(spec: BaselineSpec, data: FitData, targetScale?: { mean: number; std: number }): Promise<Fitted> {
  const { d, k } = data;
  switch (spec.type) {
    case "majority": {
      if (k === 0) return dense(d, 1, "linear", new Float64Array(d), Float64Array.of(targetScale?.mean ?? mean(data.y)), {});
      const p = classPriors(data.y, k, data.weight).map((v) => Math.max(v, 1e-7));
      // The class frequencies as the output's bias over a zero kernel: softmax(log p) = p.
      return k === 2
        ? dense(d, 1, "sigmoid", new Float64Array(d), Float64Array.of(Math.log(p[1]! / p[0]!)), {})
        : dense(d, k, "softmax", new Float64Array(d * k), p.map(Math.log), {});
    }
    case "logisticRegression": {
      const m = fitLogistic(data, spec);
      return dense(d, m.m, m.m === 1 ? "sigmoid" : "softmax", m.kernel, m.bias, {
        iterations: m.iterations,
        nonZeroWeights: m.kernel.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0),
      });
    }
    case "svm": {
      const model = await fitSvm(data, spec);
      return { kind: "classic", model: { family: "svm", model }, facts: { supportVectors: model.supportVectors, params: model.supportVectors * (d + 1) } };
    }
    case "knn":
      return { kind: "classic", model: { family: "knn", model: fitNeighbours(data, spec.k, spec.weights) }, facts: { params: data.n * d } };
    case "decisionTree":
    case "randomForest": {
      const forest =
        spec.type === "decisionTree"
          ? fitForest(data, { ...spec, trees: 1, maxFeatures: d, bootstrap: false })
          : fitForest(data, { ...spec, maxFeatures: featuresPerSplit(spec.maxFeatures, d, k > 0) });
      const nodes = forestNodes(forest);
      return { kind: "classic", model: { family: spec.type, model: forest }, facts: { nodes, params: nodes } };
    }
    case "naiveBayes":
      return { kind: "classic", model: { family: "naiveBayes", model: fitNaiveBayes(data, spec.varSmoothing) }, facts: { params: 2 * k * d + k } };
  }
}

/** scikit-learn's max_features: sqrt(d) for classifiers, all inputs for regressors by default. */
function featuresPerSplit(spec: "sqrt" | "log2" | "all" | number | undefined, d: number, classify: boolean): number {
  const choice = spec ?? (classify ? "sqrt" : "all");
  const n = choice === "sqrt" ? Math.sqrt(d) : choice === "log2" ? Math.log2(d) : choice === "all" ? d : choice * d;
  return Math.min(d, Math.max(1, Math.round(n)));
}

const mean = (y: Float64Array) => y.reduce((a, b) => a + b, 0) / (y.length || 1);

/** One Dense layer holding a linear model: what tf.loadLayersModel and /predict read as any network. */
function dense(d: number, units: number, mode: OutputMode, kernel: Float64Array, bias: Float64Array, facts: Record<string, number>): Fitted {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ name: "output", units, activation: mode, inputShape: [d] })] });
  const weights = [tf.tensor2d(Float32Array.from(kernel), [d, units]), tf.tensor1d(Float32Array.from(bias))];
  model.layers[0]!.setWeights(weights);
  tf.dispose(weights);
  return { kind: "tfjs", model, mode, facts: { ...facts, params: (d + 1) * units } };
}

const CLASS_NAMES = { svm: "SVC", knn: "KNeighbors", decisionTree: "DecisionTree", randomForest: "RandomForest", naiveBayes: "GaussianNB" } as const;

function classicSummary(m: BaselineModel, k: number, params: number): ModelSummary {
  return { layers: [{ name: m.family, type: CLASS_NAMES[m.family], outputShape: [null, k || 1], params }], totalParams: params, trainableParams: 0 };
}
