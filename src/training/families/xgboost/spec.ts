import { z } from "zod";

/**
 * Gradient-boosted trees by XGBoost 1.7 (its C library). Names are XGBoost's scikit-learn ones in
 * camelCase and defaults are XGBoost's own (https://xgboost.readthedocs.io/en/release_1.7.0/parameter.html),
 * so a spec reads as the `xgb.train` parameters it is sent as.
 */
export const XgboostSpecSchema = z.strictObject({
  type: z.literal("xgboost"),
  specVersion: z.literal(1).default(1),
  nEstimators: z.number().int().min(1).max(5000).default(100).describe("Boosting rounds (num_boost_round)"),
  learningRate: z.number().gt(0).max(1).default(0.3).describe("eta: each tree's contribution is shrunk by it"),
  maxDepth: z.number().int().min(1).max(16).default(6),
  minChildWeight: z.number().min(0).max(1e6).default(1).describe("Smallest hessian sum a child may have"),
  subsample: z.number().gt(0).max(1).default(1).describe("Fraction of rows each tree sees"),
  colsampleBytree: z.number().gt(0).max(1).default(1).describe("Fraction of inputs each tree sees"),
  lambda: z.number().min(0).max(1e6).default(1).describe("L2 penalty on leaf weights (reg_lambda)"),
  alpha: z.number().min(0).max(1e6).default(0).describe("L1 penalty on leaf weights (reg_alpha)"),
  gamma: z.number().min(0).max(1e6).default(0).describe("Smallest loss reduction a split must give (min_split_loss)"),
  maxBin: z.number().int().min(2).max(1024).default(256).describe("Histogram bins per input (hist and approx)"),
  treeMethod: z.enum(["hist", "approx", "exact"]).default("hist"),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  earlyStoppingRounds: z
    .number()
    .int()
    .min(1)
    .max(5000)
    .optional()
    .describe("Stop when the validation loss has not improved for this many rounds; the best round's model is kept (needs split.validation)"),
  scalePosWeight: z.number().gt(0).max(1e6).optional().describe("Weight of the positive class (the second label) in a binary task"),
});
export type XgboostSpec = z.infer<typeof XgboostSpecSchema>;
