import { z } from "zod";

const lr = z.number().gt(0).max(10).optional().describe("Default: Keras's for the optimizer");

/** Keras optimizers with Keras's parameter names and defaults (https://keras.io/api/optimizers/). */
export const OptimizerSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("sgd"),
    learningRate: lr,
    momentum: z.number().min(0).lt(1).default(0),
    nesterov: z.boolean().default(false),
  }),
  z.strictObject({
    type: z.literal("adam"),
    learningRate: lr,
    beta1: z.number().gt(0).lt(1).default(0.9),
    beta2: z.number().gt(0).lt(1).default(0.999),
    epsilon: z.number().gt(0).default(1e-7),
  }),
  z.strictObject({
    type: z.literal("adamax"),
    learningRate: lr,
    beta1: z.number().gt(0).lt(1).default(0.9),
    beta2: z.number().gt(0).lt(1).default(0.999),
    epsilon: z.number().gt(0).default(1e-7),
  }),
  z.strictObject({
    type: z.literal("rmsprop"),
    learningRate: lr,
    rho: z.number().gt(0).lt(1).default(0.9),
    momentum: z.number().min(0).lt(1).default(0),
    epsilon: z.number().gt(0).default(1e-7),
    centered: z.boolean().default(false),
  }),
  z.strictObject({ type: z.literal("adagrad"), learningRate: lr, initialAccumulatorValue: z.number().gt(0).default(0.1) }),
  z.strictObject({ type: z.literal("adadelta"), learningRate: lr, rho: z.number().gt(0).lt(1).default(0.95), epsilon: z.number().gt(0).default(1e-7) }),
]);
export type OptimizerSpec = z.infer<typeof OptimizerSchema>;

/** Keras loss names (snake_case, as in model.compile(loss=...)). Default: by task and output. */
export const LOSSES = {
  classification: ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence"],
  regression: [
    "mean_squared_error",
    "mse",
    "mean_absolute_error",
    "mae",
    "huber",
    "log_cosh",
    "mean_absolute_percentage_error",
    "mape",
    "mean_squared_logarithmic_error",
    "msle",
    "poisson",
  ],
} as const;
export const LossSchema = z.enum([...LOSSES.classification, ...LOSSES.regression]);
export type LossName = z.infer<typeof LossSchema>;

/** The losses each output fits (Keras: a sigmoid unit takes binary cross-entropy, softmax the categorical ones). */
export const LOSSES_BY_MODE: Record<"sigmoid" | "softmax" | "linear", ReadonlySet<LossName>> = {
  sigmoid: new Set(["binary_crossentropy"]),
  softmax: new Set(LOSSES.classification.filter((l) => l !== "binary_crossentropy")),
  linear: new Set(LOSSES.regression),
};

/** The loss used when the job names none, by output. */
export const DEFAULT_LOSS: Record<"sigmoid" | "softmax" | "linear", LossName> = {
  sigmoid: "binary_crossentropy",
  softmax: "categorical_crossentropy",
  linear: "mean_squared_error",
};

/** Regression losses indifferent to the target's scale: the target is standardized for them. */
export const SCALE_FREE_LOSSES: ReadonlySet<LossName> = new Set(["mean_squared_error", "mse", "mean_absolute_error", "mae", "huber", "log_cosh"]);

/** Keras metric names; logged per epoch under tfjs's names (`accuracy` is logged as `acc`). */
export const MetricSchema = z.enum([
  "accuracy",
  "binary_accuracy",
  "categorical_accuracy",
  "sparse_categorical_accuracy",
  "precision",
  "recall",
  "mae",
  "mse",
  "mape",
  "mean_absolute_error",
  "mean_squared_error",
  "cosine_similarity",
]);

const monitor = z.string().default("val_loss").describe("Metric watched: loss, val_loss, acc, val_acc, ...");
const mode = z.enum(["auto", "min", "max"]).default("auto");

/** Keras EarlyStopping (https://keras.io/api/callbacks/early_stopping/). */
export const EarlyStoppingSchema = z.strictObject({
  monitor,
  patience: z.number().int().min(0).default(0),
  minDelta: z.number().min(0).default(0),
  mode,
  restoreBestWeights: z.boolean().default(false).describe("Keep the weights of the best epoch"),
});
export type EarlyStoppingSpec = z.infer<typeof EarlyStoppingSchema>;

/** Keras ReduceLROnPlateau (https://keras.io/api/callbacks/reduce_lr_on_plateau/). */
export const ReduceLrSchema = z.strictObject({
  monitor,
  factor: z.number().gt(0).lt(1).default(0.1),
  patience: z.number().int().min(0).default(10),
  minDelta: z.number().min(0).default(1e-4),
  mode,
  cooldown: z.number().int().min(0).default(0),
  minLr: z.number().min(0).default(0),
});
export type ReduceLrSpec = z.infer<typeof ReduceLrSchema>;

export const TrainingOptionsSchema = z.strictObject({
  epochs: z.number().int().min(1).default(20),
  batchSize: z.number().int().min(1).max(65_536).default(32),
  optimizer: z.preprocess((v) => (typeof v === "string" ? { type: v } : v), OptimizerSchema).default({ type: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  loss: LossSchema.optional().describe("Default: binary_crossentropy, categorical_crossentropy or mean_squared_error"),
  metrics: z.array(MetricSchema).max(8).optional().describe("Default: accuracy (classification), mae (regression)"),
  earlyStopping: EarlyStoppingSchema.optional(),
  reduceLrOnPlateau: ReduceLrSchema.optional(),
  maxSeconds: z.number().positive().optional().describe("Wall-clock budget: training stops at the first batch end past it (an ELM fails with time_limit)"),
  sampleWeight: z.string().min(1).optional().describe("A numeric column of per-row weights (Keras sample_weight); it is not a feature"),
  classWeight: z
    .union([z.literal("balanced"), z.record(z.string(), z.number().positive())])
    .optional()
    .describe("`balanced` (n / (classes * count)) or weights by label name"),
  shuffle: z.boolean().default(true),
  device: z
    .enum(["cpu", "gpu"])
    .default("cpu")
    .describe("Which workers train it: cpu, or gpu (workers started with WORKER_DEVICE=gpu; 409 while none is connected)"),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42)
    .describe("Seeds initializers, shuffling, dropout: same spec + data + seed = same weights on one backend"),
});
export type TrainingOptions = z.infer<typeof TrainingOptionsSchema>;

export const SplitSchema = z
  .strictObject({
    test: z.number().min(0).lt(1).default(0.2).describe("Fraction of all rows held out for the test"),
    validation: z.number().min(0).lt(1).default(0.1).describe("Fraction of all rows for validation"),
    stratify: z.boolean().default(true).describe("Keep class proportions in every part"),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    fold: z
      .strictObject({ index: z.number().int().min(0), of: z.number().int().min(2).max(20) })
      .optional()
      .describe(
        "Test on fold `index` of `of` (k-fold over all rows with this seed, stratified as asked) instead of a `test` fraction: an experiment's trials use it, so every candidate sees the same folds",
      ),
  })
  .refine((s) => s.test + s.validation <= 0.8, {
    message: "test + validation must leave at least 20% of rows to train on",
  })
  .refine((s) => !s.fold || s.fold.index < s.fold.of, { message: "fold.index counts from 0 and must be below fold.of", path: ["fold", "index"] });
export type SplitSpec = z.infer<typeof SplitSchema>;
