import { z } from "zod";
import { choices, type SearchSpace } from "../../train/search-space.js";

/** "knn": neighbours and their weighting. */
export const knnSpace: SearchSpace = {
  fields: {
    k: choices(z.number().int().min(1).max(1000)),
    weights: choices(z.enum(["uniform", "distance"])).default(["uniform"]),
  },
  specOf: (p) => ({ model: { type: "knn", k: p.k, weights: p.weights }, training: {} }),
};
