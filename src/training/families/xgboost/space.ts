import { z } from "zod";
import { choices, type SearchSpace } from "../../train/search-space.js";

/** "xgboost": the parameters tuned first (XGBoost's parameter tuning notes: depth, rounds with eta, sampling). */
export const xgboostSpace: SearchSpace = {
  fields: {
    nEstimators: choices(z.number().int().min(1).max(5000)).default([100]),
    maxDepth: choices(z.number().int().min(1).max(16)).default([6]),
    learningRate: choices(z.number().gt(0).max(1)).default([0.3]),
    subsample: choices(z.number().gt(0).max(1)).default([1]),
    colsampleBytree: choices(z.number().gt(0).max(1)).default([1]),
    minChildWeight: choices(z.number().min(0).max(1e6)).default([1]),
  },
  specOf: (p) => ({
    model: {
      type: "xgboost",
      nEstimators: p.nEstimators,
      maxDepth: p.maxDepth,
      learningRate: p.learningRate,
      subsample: p.subsample,
      colsampleBytree: p.colsampleBytree,
      minChildWeight: p.minChildWeight,
    },
    training: {},
  }),
};
