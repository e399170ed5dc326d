import type { FeatureSelectionResult } from "./feature-selection.js";
import type { Task } from "./columns.js";
import type { CrossValidationReport } from "./cv-report.js";
import type { Diagnosis } from "./diagnose.js";
import type { ModelSummary, StoredArtifacts } from "./export.js";
import type { Metrics } from "./fit-once.js";
import type { OutputMode } from "./output-plan.js";
import type { Preprocessing } from "./preprocess.js";

/** What a training run gives back: the model's artifacts, its metrics and history. */
export interface TrainResult {
  task: Task;
  outputMode: OutputMode;
  preprocessing: Preprocessing;
  summary: ModelSummary;
  artifacts: StoredArtifacts;
  metrics: { test?: Metrics; validation?: Metrics; crossValidation?: CrossValidationReport; elm?: { hiddenUnits: number; alpha: number; seconds: Record<string, number> }; baseline?: { family: string; fitSeconds: number; predictMsPer1000Rows?: number } & Record<string, unknown>; resumedAtEpoch?: number; engine?: "mlp-native" | "tfjs"; phases?: Record<string, number>; featureSelection?: FeatureSelectionResult };
  diagnosis: Diagnosis;
  history: Record<string, number[]>;
  epochsRun: number;
  restoredEpoch?: number;
  warnings: string[];
}

export type TrainOutcome = { status: "succeeded"; result: TrainResult } | { status: "interrupted" };
