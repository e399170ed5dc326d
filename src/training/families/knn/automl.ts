import type { AutoMlEntry } from "../../train/automl-entry.js";

/** kNN keeps every training row and predicts by scanning them: small and middling tables only. */
const KNN_ROWS = 20_000;

export const knnAutoMl: AutoMlEntry = {
  portfolio: (t) => (t.rows <= KNN_ROWS ? [{ name: "knn", model: { type: "knn", k: 7, weights: "distance" } }] : []),
  search: (t) => (t.rows <= KNN_ROWS ? { space: { type: "knn", k: [1, 3, 5, 7, 11, 15, 25, 40], weights: ["uniform", "distance"] } } : undefined),
};
