import { z } from "zod";
import { ModelSpecSchema } from "../spec/model-spec.js";
import { SplitSchema, TrainingOptionsSchema } from "../spec/training-options.js";
import { PreprocessingSchema } from "../spec/preprocessing.js";

/** What a client asks to train. Stored as is (after defaults) on the job. */
export const JobRequestSchema = z.strictObject({
  datasetId: z.string().uuid(),
  target: z.string().min(1).describe("Column to predict"),
  features: z.array(z.string().min(1)).min(1).optional()
    .describe("Columns to learn from; default all but target, `ignore` and text columns"),
  ignore: z.array(z.string().min(1)).default([]),
  task: z.enum(["classification", "regression"]).optional().describe("Inferred from the target when absent"),
  inputs: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional()
    .describe('Columns per model input, for a model with several inputs: {"<input name>": ["col", ...]}'),
  columns: z.record(z.string(), z.enum(["numeric", "categorical", "boolean", "text"])).default({})
    .describe('Column type overrides, e.g. {"pclass": "categorical"}'),
  preprocessing: PreprocessingSchema.default(() => PreprocessingSchema.parse({})),
  split: SplitSchema.default({ test: 0.2, validation: 0.1, stratify: true, seed: 42 }),
  crossValidation: z
    .strictObject({
      folds: z.number().int().min(2).max(20).describe("k of k-fold"),
      stratify: z.boolean().default(true),
    })
    .optional()
    .describe("k-fold CV on the rows outside split.test (split.validation is unused), then a refit on all of them"),
  model: ModelSpecSchema,
  training: TrainingOptionsSchema.default(() => TrainingOptionsSchema.parse({})),
});
export type JobRequest = z.infer<typeof JobRequestSchema>;

/**
 * Upgrades a stored request written at an older `specVersion` to the current shape, one step a
 * version (Ludwig's `upgrade on load`). Every family is at version 1 today: nothing to do yet,
 * but a stored spec is always read through here and the schema, never cast.
 */
const UPGRADES: Array<(stored: Record<string, unknown>) => Record<string, unknown>> = [];

/** A job request as stored on a job row, re-read through the upgrade steps and the schema. */
export function readStoredRequest(stored: unknown): JobRequest {
  let value = stored as Record<string, unknown>;
  const model = value?.model as { specVersion?: number } | undefined;
  for (let v = model?.specVersion ?? 1; v - 1 < UPGRADES.length; v++) value = UPGRADES[v - 1]!(value);
  return JobRequestSchema.parse(value);
}
