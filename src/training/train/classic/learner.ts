import type { z } from "zod";
import type { Graph } from "../../formats/onnx.js";
import type { OutputMode } from "../../spec/output-plan.js";
import type { FitData, Scores } from "./data.js";

/**
 * What a classic fit returns: a linear model's weights (stored and served as one Dense layer, a
 * TF.js network) or the family's own model (stored as JSON, artifact.ts).
 */
export type ClassicFit<M> =
  | { kind: "dense"; units: number; mode: OutputMode; kernel: Float64Array; bias: Float64Array; facts: Record<string, number> }
  | { kind: "classic"; model: M; facts: Record<string, number> };

/**
 * A classic family's algorithm: how it fits, how its stored model predicts and (when it has one)
 * how it is written as ONNX. `M` is the model as fitted; a stored one is parsed back into `M` by
 * `stored` before `predict` or `onnx` sees it.
 */
export interface ClassicLearner<S, M = unknown> {
  /** scikit-learn's name of the estimator, shown in the summary (SVC, GaussianNB, ...). */
  className: string;
  fit(spec: S, data: FitData, targetScale?: { mean: number; std: number }): ClassicFit<M> | Promise<ClassicFit<M>>;
  /** The stored model (artifact.ts's JSON, typed arrays as plain arrays) read back into `M`. */
  stored?: z.ZodType<M>;
  /** Scores of n rows of d inputs (regression: on the standardized target). */
  predict?(model: M, x: Float32Array, n: number, d: number): Scores | Promise<Scores>;
  /**
   * The ONNX graph from input `x` to the scores, before the target's scaling (formats/onnx.ts's
   * Graph). Families without one answer baseline.json only.
   */
  onnx?(g: Graph, x: string, model: M, d: number, classes: number): string;
}
