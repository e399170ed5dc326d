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
});
export type PreprocessingSpec = z.infer<typeof PreprocessingSchema>;
export const DEFAULT_PREPROCESSING: PreprocessingSpec = PreprocessingSchema.parse({});
