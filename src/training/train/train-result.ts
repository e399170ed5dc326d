import type { FeatureSelectionResult } from "../spec/preprocessing.js";
import type { Task } from "../data/columns.js";
import type { CrossValidationReport } from "../evaluate/cv-report.js";
import type { Diagnosis } from "../evaluate/diagnose.js";
import type { ModelSummary, StoredArtifacts } from "../formats/tfjs.js";
import type { Metrics } from "./fit-network.js";
import type { HeldOut } from "../evaluate/metrics.js";
import type { OutputMode } from "../spec/output-plan.js";
import type { Preprocessing } from "../data/encoding.js";

/** What a training run gives back: the model's artifacts, its metrics and history. */
export interface TrainResult {
  task: Task;
  outputMode: OutputMode;
  preprocessing: Preprocessing;
  summary: ModelSummary;
  artifacts: StoredArtifacts;
  metrics: {
    test?: Metrics;
    validation?: Metrics;
    crossValidation?: CrossValidationReport;
    baseline?: { family: string; fitSeconds: number; predictMsPer1000Rows?: number } & Record<string, unknown>;
    resumedAtEpoch?: number;
    engine?: "mlp-native" | "tfjs";
    phases?: Record<string, number>;
    featureSelection?: FeatureSelectionResult;
  } & {
    /** What a family adds of its own, under its own key (an ELM's `elm`: the size its search chose). */
    [family: string]: unknown;
  };
  diagnosis: Diagnosis;
  /** The predictions on the test rows (a fold's held-out rows), for an AutoML ensemble; never stored in the metrics. */
  heldOut?: HeldOut;
  history: Record<string, number[]>;
  epochsRun: number;
  restoredEpoch?: number;
  warnings: string[];
}

export type TrainOutcome = { status: "succeeded"; result: TrainResult } | { status: "interrupted" };
