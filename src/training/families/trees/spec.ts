import { z } from "zod";

/** scikit-learn's DecisionTree and RandomForest (classifier and regressor), as histogram trees. */
/** Spec format version; saved jobs keep theirs (families/index.ts upgrades older ones). */
const version = { specVersion: z.literal(1).default(1) };

const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .default(7);

const treeParams = {
  maxDepth: z.number().int().min(1).max(64).optional().describe("Unlimited when absent"),
  minSamplesLeaf: z.number().int().min(1).max(1_000_000).default(1),
  maxBins: z
    .number()
    .int()
    .min(2)
    .max(255)
    .default(64)
    .describe("Thresholds tried per input: quantile cut points (histogram trees, as LightGBM and scikit-learn's HistGradientBoosting)"),
};

export const DecisionTreeSpecSchema = z.strictObject({ type: z.literal("decisionTree"), ...version, ...treeParams, seed });
export type DecisionTreeSpec = z.infer<typeof DecisionTreeSpecSchema>;

export const RandomForestSpecSchema = z.strictObject({
  type: z.literal("randomForest"),
  ...version,
  ...treeParams,
  trees: z.number().int().min(1).max(2000).default(100).describe("n_estimators"),
  maxFeatures: z
    .union([z.enum(["sqrt", "log2", "all"]), z.number().gt(0).max(1)])
    .optional()
    .describe("Inputs tried per split: sqrt for classification, all for regression by default, or a fraction"),
  bootstrap: z.boolean().default(true),
  seed,
});
export type RandomForestSpec = z.infer<typeof RandomForestSpecSchema>;
