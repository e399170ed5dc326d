import { z } from "zod";

/** How numeric columns are scaled (fitted on the training rows only). */
export const ScalingSchema = z.enum(["standardize", "minmax", "none"]).describe("standardize: (x - mean) / std; minmax: (x - min) / (max - min)");
/** How missing values are filled; `drop` leaves rows with a missing value out of training. */
export const MissingSchema = z.enum(["mean", "median", "mode", "constant", "drop"]);

/** One column's preprocessing; unset fields take the global setting for its kind. */
export const ColumnPreprocessingSchema = z.strictObject({
  scaling: ScalingSchema.optional(),
  missing: MissingSchema.optional(),
  constant: z.union([z.number(), z.string()]).optional().describe("Fill value when missing is `constant`"),
  maxCategories: z.number().int().min(1).max(10_000).optional(),
});
export type ColumnPreprocessing = z.infer<typeof ColumnPreprocessingSchema>;

/** Columns scored against the target on the training rows; the best `keep` go to the network. */
export const FeatureSelectionSchema = z.strictObject({
  method: z
    .enum(["anova", "mutualInformation", "l1", "permutation"])
    .describe(
      "anova: the F statistic (scikit-learn's f_classif / f_regression); mutualInformation: I(column; target) from counts; l1: |weights| of an L1-penalized linear model; permutation: the held-out score a random forest loses when the column is shuffled",
    ),
  keep: z
    .number()
    .positive()
    .refine((k) => k < 1 || Number.isInteger(k), "a count (1, 2, ...) or a fraction below 1")
    .describe("How many columns to keep: a count, or a fraction of the features (0.5 keeps half)"),
});
export type FeatureSelectionSpec = z.infer<typeof FeatureSelectionSchema>;

export const PreprocessingSchema = z.strictObject({
  numeric: z
    .strictObject({
      scaling: ScalingSchema.default("standardize"),
      missing: MissingSchema.default("mean"),
      constant: z.number().optional(),
    })
    .default({ scaling: "standardize", missing: "mean" }),
  categorical: z
    .strictObject({
      missing: z.enum(["mode", "constant", "drop"]).default("mode"),
      constant: z.string().optional(),
      maxCategories: z.number().int().min(1).max(10_000).default(100).describe("Most frequent kept; the rest share the unknown bucket"),
      unknownBucket: z.boolean().default(true).describe("An extra input for categories not seen (or capped) in training, as Keras StringLookup's OOV index"),
    })
    .default({ missing: "mode", maxCategories: 100, unknownBucket: true }),
  columns: z.record(z.string(), ColumnPreprocessingSchema).default({}).describe("Per-column settings by column name"),
  featureSelection: FeatureSelectionSchema.optional().describe(
    "Keep the columns that score best against the target on the training rows (one-input models, no crossValidation)",
  ),
});
export type PreprocessingSpec = z.infer<typeof PreprocessingSchema>;
export const DEFAULT_PREPROCESSING: PreprocessingSpec = PreprocessingSchema.parse({});

/** A feature and its score under preprocessing.featureSelection (higher is more useful). */
export interface FeatureScore {
  name: string;
  score: number;
}

export interface FeatureSelectionResult {
  method: FeatureSelectionSpec["method"];
  kept: FeatureScore[];
  dropped: FeatureScore[];
}
