import type { z } from "zod";
import type { FitHooks } from "../../engine/epoch-loop.js";
import type { Graph } from "../../formats/onnx.js";
import type { OutputMode } from "../../spec/output-plan.js";
import type { FitData, Scores } from "./data.js";
import type { Contributions } from "../../evaluate/contributions.js";
import type { ExportFormat } from "../network-serving.js";

/** Rounds of an iterative classic fit (boosting), reported as a network's epochs are. */
export interface FitRounds {
  history: Record<string, number[]>;
  /** Rounds run (this attempt's and a resumed one's). */
  run: number;
  /** 1-based round whose model was kept (early stopping), when not the last. */
  restoredRound?: number;
  /** The round a checkpoint resumed the run at. */
  resumedAt?: number;
}

/**
 * What a classic fit returns: a linear model's weights (stored and served as one Dense layer, a
 * TF.js network), the family's own model (stored as JSON, artifact.ts), or a stop on request
 * (cancelled, or checkpointed at shutdown) of a fit that reports rounds.
 */
export type ClassicFit<M> =
  | { kind: "dense"; units: number; mode: OutputMode; kernel: Float64Array; bias: Float64Array; facts: Record<string, number> }
  | { kind: "classic"; model: M; facts: Record<string, number>; rounds?: FitRounds }
  | { kind: "interrupted" };

/** What an iterative fit gets beside its rows: validation rows, the job's hooks, its time budget. */
export interface ClassicRun {
  validation?: FitData;
  hooks: FitHooks;
  warnings: string[];
  /** training.maxSeconds capped by MAX_JOB_SECONDS. */
  maxSeconds?: number;
}

/**
 * A classic family's algorithm: how it fits, how its stored model predicts and (when it has one)
 * how it is written as ONNX. `M` is the model as fitted; a stored one is parsed back into `M` by
 * `stored` before `predict` or `onnx` sees it.
 */
export interface ClassicLearner<S, M = unknown> {
  /** scikit-learn's name of the estimator, shown in the summary (SVC, GaussianNB, ...). */
  className: string;
  /** A regressor fitted on the target in its own units (else on the standardized target). */
  rawTarget?: boolean;
  fit(spec: S, data: FitData, targetScale: { mean: number; std: number } | undefined, run: ClassicRun): ClassicFit<M> | Promise<ClassicFit<M>>;
  /** The stored model (artifact.ts's JSON, typed arrays as plain arrays) read back into `M`. */
  stored?: z.ZodType<M>;
  /** Scores of n rows of d inputs (regression: on the standardized target unless rawTarget). */
  predict?(model: M, x: Float32Array, n: number, d: number): Scores | Promise<Scores>;
  /** Per-row contributions of the encoded inputs (`/predict` with explain, the job's importance). */
  explain?(model: M, x: Float32Array, n: number, d: number): Contributions;
  /**
   * The ONNX graph from input `x` to the scores, before the target's scaling (formats/onnx.ts's
   * Graph). Families without one answer baseline.json only.
   */
  onnx?(g: Graph, x: string, model: M, d: number, classes: number): string;
  /** The library's own model file (XGBoost's model.ubj), under its format's name, with our preprocessing and labels inside. */
  nativeFile?: { format: Exclude<ExportFormat, "keras" | "onnx">; write(model: M, meta: Record<string, string>): Uint8Array };
}
