/**
 * Training's one public face: everything services, workers and the API may use. What needs
 * TensorFlow.js is behind `runtime()`, loaded on first use, so an API process that only takes
 * uploads never loads it.
 */
export { JobRequestSchema, readStoredRequest, type JobRequest } from "./spec/job-request.js";
export { ModelSpecSchema, type ModelSpec } from "./spec/model-spec.js";
export { FAMILIES, familyOf, type ModelFamily } from "./families/index.js";
export { resolveColumns, type ResolvedColumns } from "./columns.js";
export { checkLimits, checkRequestLimits, estimateInputGroups, type SpecLimits } from "./limits.js";
export { countSpecParams } from "./count-spec.js";
export type { DimLimits } from "./param-count.js";
export { normalizeKeras } from "./keras-json.js";
export { findLeaks } from "./leaks.js";
export { encodeRow, type InputGroup, type Preprocessing } from "./preprocess.js";
export { FeatureSelectionSchema } from "./spec/preprocessing.js";
export { SEQUENTIAL_INPUT } from "./graph.js";
export { estimateTrainingBytes } from "./memory.js";
export { modelJson, WEIGHTS_FILE, type StoredArtifacts } from "./model-json.js";
export { SpecError, TrainingError } from "./training-error.js";
export type { Checkpoint } from "./checkpoint.js";
export { describeNetwork, type NetworkDescription } from "./describe.js";
export { ModelSummarySchema, type ModelSummary } from "./spec/summary.js";
export type { OutputMode } from "./output-plan.js";
export type { TrainOutcome, TrainResult } from "./train-result.js";
export type { FitHooks } from "./fit.js";
export type { tfl } from "./tf.js";

/** The TensorFlow.js-backed parts (backend choice, building, training, prediction, export). */
export const runtime = () => import("./runtime.js");
export { phaseClock, type PhaseClock } from "./phase-clock.js";
export { argmax } from "./argmax.js";
export { mulberry32 } from "./rng.js";
export { BASELINE_FORMAT, decodeBaseline, predictBaseline, type BaselineArtifact } from "./baselines/model.js";
export { onnxBaseline } from "./formats/onnx-baselines.js";
export { ExportError } from "./formats/export-error.js";
export { ONNX_OPSET } from "./formats/onnx.js";
export { sizingAdvice, type SizingAdvice } from "./sizing.js";
