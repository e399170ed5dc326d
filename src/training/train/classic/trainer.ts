import type { FamilyTrainRun } from "../family.js";
import { tf, tfl } from "../../engine/tf.js";
import { diagnose } from "../../evaluate/diagnose.js";
import { classificationMetrics, heldOutOf, regressionMetrics, type HeldOut, type Metrics } from "../../evaluate/metrics.js";
import { summarize, toArtifacts } from "../../formats/tfjs.js";
import type { OutputMode } from "../../spec/output-plan.js";
import { predictMatrix } from "../../evaluate/predict.js";
import { encodeParts, sampleOf, type Part, type PreparedData } from "../../data/parts.js";
import { inputColumns } from "../../data/encoding.js";
import { foldToColumns, meanAbsByColumn, type ColumnImportance } from "../../evaluate/contributions.js";
import { classWeights, rowWeights } from "../fit-network.js";
import type { ModelSummary } from "../../spec/summary.js";
import type { StoredArtifacts } from "../../formats/model-json.js";
import type { TrainOutcome } from "../train-result.js";
import type { FitData, Scores } from "./data.js";
import { BASELINE_FORMAT, encodeClassic, type ClassicArtifact } from "./artifact.js";
import type { ClassicFit, ClassicLearner } from "./learner.js";
import { classicScores } from "./serving.js";

/** A fitted classic model: a TF.js network (linear models) or the family's own model. */
type Fitted<M> =
  { kind: "tfjs"; model: tfl.LayersModel; mode: OutputMode; facts: Record<string, number> } | { kind: "classic"; model: M; facts: Record<string, number> };

/**
 * Trains a classic family's job: the same encoding, split and metrics as a network, then the
 * learner's closed-form or classic fit. Linear models export as one Dense layer (TF.js, like any
 * network); the others as the JSON of artifact.ts.
 */
export async function trainClassic<S extends { type: string }, M>(
  learner: ClassicLearner<S, M>,
  { sel, resolved, req, parts, hooks, warnings, clock }: FamilyTrainRun<S>,
): Promise<TrainOutcome> {
  const spec = req.model;
  const data = encodeParts(sel, resolved, req.preprocessing, parts, !learner.rawTarget);
  clock.lap("prepare");
  const k = sel.labels.length;
  const scale = data.targetScale;
  // Keras multiplies sample_weight by class_weight; a learner that takes weights gets both.
  const classWeight = data.task === "classification" ? classWeights(req.training, sel.labels, data.train) : undefined;
  const fitData = (p: Part): FitData => ({
    n: p.n,
    d: data.inputs,
    x: p.x,
    k,
    weight: p.weight || classWeight ? rowWeights(p, classWeight) : undefined,
    y: scale ? p.truth.map((v) => (v - scale.mean) / scale.std) : p.truth,
  });
  const started = performance.now();
  const run = { validation: fitData(data.validation), hooks, warnings, maxSeconds: req.training.maxSeconds };
  const fit = await learner.fit(spec, fitData(data.train), data.targetScale, run);
  if (fit.kind === "interrupted") return { status: "interrupted" };
  const fitted = asFitted(fit, data.inputs);
  const fitSeconds = (performance.now() - started) / 1000;
  clock.lap("fit");
  const rounds = fit.kind === "classic" ? fit.rounds : undefined;
  // A single-step fit is one epoch; an iterative one reported its rounds as it went.
  if (!rounds && !(await hooks.onEpoch(0, { seconds: fitSeconds }))) {
    if (fitted.kind === "tfjs") fitted.model.dispose();
    return { status: "interrupted" };
  }
  const artifact: ClassicArtifact<M> | undefined =
    fitted.kind === "classic"
      ? { format: BASELINE_FORMAT, version: 1, family: spec.type, model: fitted.model, task: data.task, inputs: data.inputs, targetScale: scale }
      : undefined;
  const outputMode: OutputMode = fitted.kind === "tfjs" ? fitted.mode : data.task === "classification" ? "softmax" : "linear";
  const scores = async (p: Part): Promise<Scores> =>
    fitted.kind === "tfjs" ? predictMatrix(fitted.model, p.x, p.n, data.preprocessing.groups, fitted.mode) : classicScores(learner, artifact!, p.x, p.n);
  try {
    let heldOut: HeldOut | undefined;
    const evaluate = async (p: Part): Promise<Metrics | undefined> => {
      if (p.n === 0) return undefined;
      const { values, width } = await scores(p);
      if (p === data.test) heldOut = heldOutOf(p, values, width);
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
    const train = await evaluate(sampleOf(data.train)); // after the timing above: a prediction cost of its own
    const importance = learner.explain && artifact ? columnImportance(learner, artifact, data, fitted.facts.explainOpsPerRow ?? 0) : undefined;
    clock.lap("evaluate");
    const artifacts: StoredArtifacts =
      fitted.kind === "tfjs"
        ? await toArtifacts(fitted.model)
        : { topology: { format: BASELINE_FORMAT, family: spec.type }, weightSpecs: [], weightData: encodeClassic(artifact!) };
    clock.lap("export");
    const history = rounds?.history ?? {};
    return {
      status: "succeeded",
      result: {
        task: data.task,
        outputMode,
        preprocessing: data.preprocessing,
        summary: fitted.kind === "tfjs" ? summarize(fitted.model) : classicSummary(spec.type, learner.className, k, fitted.facts.params ?? 0),
        artifacts,
        metrics: {
          test,
          validation,
          train,
          baseline,
          phases: clock.phases,
          ...(importance ? { importance } : {}),
          ...(rounds?.resumedAt !== undefined ? { resumedAtEpoch: rounds.resumedAt } : {}),
        },
        diagnosis: diagnose(history, rounds?.run ?? 1),
        heldOut,
        history,
        epochsRun: rounds?.run ?? 1,
        ...(rounds?.restoredRound !== undefined ? { restoredEpoch: rounds.restoredRound } : {}),
        warnings,
      },
    };
  } finally {
    if (fitted.kind === "tfjs") fitted.model.dispose();
  }
}

/**
 * The job's importance is averaged over at most 1,000 rows, and fewer for a large model: at most
 * IMPORTANCE_OPS of its explainOpsPerRow (about 0.3 s here), at least 20 rows. TreeSHAP on 1,000
 * rows of a 1,800-tree booster took 9.2 s, as long as its fit (bench/xgboost.ts).
 */
const IMPORTANCE_ROWS = { most: 1000, least: 20 };
const IMPORTANCE_OPS = 3e9;

/** Mean |contribution| per original column on the test rows (else validation, else training rows), largest first. */
function columnImportance<M>(learner: ClassicLearner<unknown, M>, a: ClassicArtifact<M>, data: PreparedData, opsPerRow: number): ColumnImportance {
  const part = [data.test, data.validation, data.train].find((p) => p.n > 0)!;
  const affordable = Math.floor(IMPORTANCE_OPS / Math.max(1, opsPerRow));
  const n = Math.min(part.n, Math.max(IMPORTANCE_ROWS.least, Math.min(IMPORTANCE_ROWS.most, affordable)));
  const contributions = learner.explain!(a.model, part.x.subarray(0, n * data.inputs), n, data.inputs);
  const of = part === data.test ? "test" : part === data.validation ? "validation" : "training";
  return { method: "shap", rows: n, of, columns: meanAbsByColumn(foldToColumns(contributions, inputColumns(data.preprocessing))) };
}

/** A linear fit becomes one Dense layer holding it: what tf.loadLayersModel and /predict read as any network. */
function asFitted<M>(fit: Exclude<ClassicFit<M>, { kind: "interrupted" }>, d: number): Fitted<M> {
  if (fit.kind === "classic") return fit;
  const { units, mode, kernel, bias } = fit;
  const model = tfl.sequential({ layers: [tfl.layers.dense({ name: "output", units, activation: mode, inputShape: [d] })] });
  const weights = [tf.tensor2d(Float32Array.from(kernel), [d, units]), tf.tensor1d(Float32Array.from(bias))];
  model.layers[0]!.setWeights(weights);
  tf.dispose(weights);
  return { kind: "tfjs", model, mode, facts: { ...fit.facts, params: (d + 1) * units } };
}

function classicSummary(name: string, className: string, k: number, params: number): ModelSummary {
  return { layers: [{ name, type: className, outputShape: [null, k || 1], params }], totalParams: params, trainableParams: 0 };
}
