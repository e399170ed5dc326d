/**
 * Training's one public face: everything services, workers and the API may use. What needs
 * TensorFlow.js is behind `runtime()`, loaded on first use, so an API process that only takes
 * uploads never loads it.
 */
export { JobRequestSchema, readStoredRequest, type JobRequest } from "./job/job-request.js";
export { ModelSpecSchema, type ModelSpec } from "./families/index.js";
export { FAMILIES, familyOf, type ModelFamily } from "./families/index.js";
export { type ResolvedColumns } from "./data/columns.js";
export { resolveColumns, resolveSingleInputColumns } from "./job/resolve-columns.js";
export { DATA_FIELDS, DataRequestSchema } from "./spec/request.js";
export { checkLimits, checkRequestLimits, estimateInputGroups, type SpecLimits } from "./job/limits.js";
export { countSpecParams } from "./job/limits.js";
export type { DimLimits } from "./spec/param-count.js";
export { normalizeKeras } from "./families/keras/json.js";
export { findLeaks } from "./data/leaks.js";
export { encodeRow, inputColumns, type InputGroup, type Preprocessing } from "./data/encoding.js";
export { foldToColumns, rowContributions, type ColumnContributions } from "./evaluate/contributions.js";
export { FeatureSelectionSchema } from "./spec/preprocessing.js";
export { SINGLE_INPUT } from "./spec/graph.js";
export { estimateTrainingBytes } from "./job/training-bytes.js";
export { modelJson, readWeightSpecs, WEIGHTS_FILE, type StoredArtifacts } from "./formats/model-json.js";
export { SpecError, TrainingError } from "./spec/training-error.js";
export type { Checkpoint } from "./engine/checkpoint.js";
export { describeNetwork, type NetworkDescription } from "./job/describe-network.js";
export { ModelSummarySchema, type ModelSummary } from "./spec/summary.js";
export type { OutputMode } from "./spec/output-plan.js";
export type { TrainOutcome, TrainResult } from "./train/train-result.js";
export type { FitHooks } from "./engine/epoch-loop.js";
export type { tfl } from "./engine/tf.js";

/** The TensorFlow.js-backed parts (backend choice, building, training, prediction, export). */
export const runtime = () => import("./job/runtime.js");
export { phaseClock, type PhaseClock } from "./engine/phase-clock.js";
export { argmax } from "./evaluate/argmax.js";
export { mulberry32 } from "./engine/rng.js";
export { servingOf, formatsOf, configureFamilies, unavailableFamilies, explainingFamilies, resourceOf } from "./job/serving.js";
export type { ExportFormat, FormatName, Predictor } from "./train/network-serving.js";
export { readStoredPreprocessing, type StoredPreprocessing } from "./data/stored-preprocessing.js";
export { ExportError } from "./formats/export-error.js";
export { ONNX_OPSET } from "./formats/onnx.js";
import { Graph, onnxFile } from "./formats/onnx.js";
/** Writing several models into one ONNX graph (an AutoML ensemble's file). */
export const onnxGraph = { Graph, onnxFile };
export { sizingAdvice, type SizingAdvice } from "./job/sizing-advice.js";
export { meanStd } from "./evaluate/cv-report.js";
export {
  complexityChoices,
  complexityGraph,
  complexityView,
  ComplexityPointViewSchema,
  ComplexitySummarySchema,
  type Complexity,
  type ComplexityPoint,
} from "./evaluate/complexity.js";
export { SEARCH_SPACES } from "./families/index.js";
export { choices, type Point, type SearchSpace } from "./train/search-space.js";
export type { AutoMlCandidate, AutoMlEntry, TableFacts } from "./train/automl-entry.js";
export type { HeldOut } from "./evaluate/metrics.js";
export { classificationMetrics, regressionMetrics } from "./evaluate/metrics.js";
