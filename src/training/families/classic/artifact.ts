import type { Task } from "../../data/columns.js";
import type { Scores } from "./data.js";
import { predictForest, type Forest } from "./forest.js";
import { predictNaiveBayes, type GaussianNb } from "./naive-bayes.js";
import { predictNeighbours, type Neighbours } from "./neighbours.js";
import { predictSvm, type SvmModel } from "./svm.js";

/** `modelTopology.format` of a stored baseline (its bytes are the JSON below, not TF.js weights). */
export const BASELINE_FORMAT = "treino-baseline";

export type BaselineModel =
  | { family: "svm"; model: SvmModel }
  | { family: "knn"; model: Neighbours }
  | { family: "decisionTree" | "randomForest"; model: Forest }
  | { family: "naiveBayes"; model: GaussianNb };

/**
 * A trained classic model as downloaded (`GET /v1/models/:id/baseline.json`): the inputs are the
 * encoded features in `preprocessing.inputs` order; classification outputs class probabilities in
 * `labels` order; regression outputs value * targetScale.std + targetScale.mean.
 */
export type BaselineArtifact = BaselineModel & {
  format: typeof BASELINE_FORMAT;
  version: 1;
  task: Task;
  inputs: number;
  targetScale?: { mean: number; std: number };
};

/** Typed arrays as plain number arrays (kNN's rows as base64 float32: they are most of its size). */
export function encodeBaseline(a: BaselineArtifact): Buffer {
  return Buffer.from(
    JSON.stringify(a, (key, value) => {
      if (key === "x" && value instanceof Float32Array) return { float32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
      return ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value;
    }),
  );
}

export function decodeBaseline(bytes: Buffer): BaselineArtifact {
  return JSON.parse(bytes.toString("utf8"), (key, value) => {
    if (key === "x" && value && typeof value.float32 === "string") {
      const raw = Buffer.from(value.float32, "base64");
      return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    }
    return value;
  }) as BaselineArtifact;
}

/** The model's outputs for n encoded rows: probabilities [n, classes], or values [n, 1] in the target's units. */
export async function predictBaseline(a: BaselineArtifact, x: Float32Array, n: number): Promise<Scores> {
  const scores = await raw(a, x, n);
  if (a.targetScale) for (let i = 0; i < scores.values.length; i++) scores.values[i] = scores.values[i]! * a.targetScale.std + a.targetScale.mean;
  return scores;
}

function raw(a: BaselineArtifact, x: Float32Array, n: number): Promise<Scores> | Scores {
  switch (a.family) {
    case "svm":
      return predictSvm(a.model, x, n, a.inputs);
    case "knn":
      return predictNeighbours({ ...a.model, y: Float64Array.from(a.model.y) }, x, n);
    case "decisionTree":
    case "randomForest":
      return predictForest(a.model, x, n, a.inputs);
    case "naiveBayes":
      return predictNaiveBayes(
        { ...a.model, priors: Float64Array.from(a.model.priors), mean: Float64Array.from(a.model.mean), variance: Float64Array.from(a.model.variance) },
        x,
        n,
      );
  }
}
