import { z } from "zod";

/** Keras optimizer names with their Keras default learning rates. */
export const OptimizerSchema = z.strictObject({
  type: z.enum(["adam", "sgd", "rmsprop", "adagrad", "adadelta", "adamax"]).default("adam"),
  learningRate: z.number().gt(0).max(10).optional().describe("Default: Keras's for the optimizer"),
  momentum: z.number().min(0).lt(1).optional().describe("sgd and rmsprop only; default 0"),
});
export type OptimizerSpec = z.infer<typeof OptimizerSchema>;

/** Keras EarlyStopping (https://keras.io/api/callbacks/early_stopping/). */
export const EarlyStoppingSchema = z.strictObject({
  monitor: z.string().default("val_loss").describe("Metric watched: loss, val_loss, acc, val_acc, ..."),
  patience: z.number().int().min(0).default(0),
  minDelta: z.number().min(0).default(0),
  mode: z.enum(["auto", "min", "max"]).default("auto"),
  restoreBestWeights: z.boolean().default(false).describe("Keep the weights of the best epoch"),
});
export type EarlyStoppingSpec = z.infer<typeof EarlyStoppingSchema>;

export const TrainingOptionsSchema = z.strictObject({
  epochs: z.number().int().min(1).default(20),
  batchSize: z.number().int().min(1).max(65_536).default(32),
  optimizer: z.preprocess(
    (v) => (typeof v === "string" ? { type: v } : v),
    OptimizerSchema,
  ).default({ type: "adam" }),
  earlyStopping: EarlyStoppingSchema.optional(),
  classWeight: z
    .union([z.literal("balanced"), z.record(z.string(), z.number().positive())])
    .optional()
    .describe("`balanced` (n / (classes * count)) or weights by label name"),
  shuffle: z.boolean().default(true),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
});
export type TrainingOptions = z.infer<typeof TrainingOptionsSchema>;

export const SplitSchema = z
  .strictObject({
    test: z.number().min(0).lt(1).default(0.2).describe("Fraction of all rows held out for the test"),
    validation: z.number().min(0).lt(1).default(0.1).describe("Fraction of all rows for validation"),
    stratify: z.boolean().default(true).describe("Keep class proportions in every part"),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  })
  .refine((s) => s.test + s.validation <= 0.8, {
    message: "test + validation must leave at least 20% of rows to train on",
  });
export type SplitSpec = z.infer<typeof SplitSchema>;
