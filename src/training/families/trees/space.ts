import { z } from "zod";
import { choices, type SearchSpace } from "../../train/search-space.js";

/** "randomForest": trees, inputs per split, leaf size and bins (the forest's main levers, Breiman 2001). */
export const forestSpace: SearchSpace = {
  fields: {
    trees: choices(z.number().int().min(1).max(2000)).default([100]),
    maxFeatures: choices(z.union([z.enum(["sqrt", "log2", "all"]), z.number().gt(0).max(1)])).default(["sqrt"]),
    minSamplesLeaf: choices(z.number().int().min(1).max(1_000_000)).default([1]),
    maxDepth: choices(z.number().int().min(1).max(64)).optional(),
    maxBins: choices(z.number().int().min(2).max(255)).default([64]),
  },
  specOf: (p) => ({
    model: {
      type: "randomForest",
      trees: p.trees,
      maxFeatures: p.maxFeatures,
      minSamplesLeaf: p.minSamplesLeaf,
      ...(p.maxDepth !== undefined ? { maxDepth: p.maxDepth } : {}),
      maxBins: p.maxBins,
    },
    training: {},
  }),
};
