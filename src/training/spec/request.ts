import { z } from "zod";
import { SplitSchema, TrainingOptionsSchema } from "./training-options.js";
import { PreprocessingSchema } from "./preprocessing.js";

/**
 * What a client asks to train, but for its model: the fields every family reads. The `model`
 * field is the union of the registered families (job/job-request.ts adds it), so the layers below
 * the families type a request as `RequestOf<{ type: string }>` and never see the union.
 */
export const RequestBaseSchema = z.strictObject({
  datasetId: z.string().uuid(),
  target: z.string().min(1).describe("Column to predict"),
  features: z.array(z.string().min(1)).min(1).optional().describe("Columns to learn from; default all but target, `ignore` and text columns"),
  ignore: z.array(z.string().min(1)).default([]),
  task: z.enum(["classification", "regression"]).optional().describe("Inferred from the target when absent"),
  inputs: z
    .record(z.string(), z.array(z.string().min(1)).min(1))
    .optional()
    .describe('Columns per model input, for a model with several inputs: {"<input name>": ["col", ...]}'),
  columns: z
    .record(z.string(), z.enum(["numeric", "categorical", "boolean", "text"]))
    .default({})
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
  training: TrainingOptionsSchema.default(() => TrainingOptionsSchema.parse({})),
});
export type RequestBase = z.infer<typeof RequestBaseSchema>;

/** The fields of the data a job reads and how it splits it, as a zod `pick` mask. */
export const DATA_FIELDS = {
  datasetId: true,
  target: true,
  features: true,
  ignore: true,
  task: true,
  columns: true,
  preprocessing: true,
  split: true,
} as const;

/** The data a job reads and how it splits it: what advice is computed for and every trial of an experiment shares. */
export const DataRequestSchema = RequestBaseSchema.pick(DATA_FIELDS);

/** A request whose model is of type M (the union in the job layer, one family's spec inside it). */
export type RequestOf<M extends { type: string }> = RequestBase & { model: M };
