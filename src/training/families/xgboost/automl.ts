import type { AutoMlEntry } from "../../train/automl-entry.js";

/**
 * A booster with a smaller step and more rounds than XGBoost's defaults, rows and inputs
 * subsampled (the values XGBoost's parameter-tuning notes start from), then the `xgboost` space
 * around it.
 */
export const xgboostAutoMl: AutoMlEntry = {
  portfolio: () => [{ name: "xgboost", model: { type: "xgboost", nEstimators: 200, learningRate: 0.1, maxDepth: 6, subsample: 0.8, colsampleBytree: 0.8 } }],
  search: () => ({
    space: {
      type: "xgboost",
      nEstimators: [100, 200, 400],
      maxDepth: [2, 3, 4, 6, 8, 10],
      learningRate: [0.03, 0.05, 0.1, 0.2, 0.3],
      subsample: [0.6, 0.8, 1],
      colsampleBytree: [0.5, 0.8, 1],
      minChildWeight: [1, 3, 5],
    },
  }),
};
