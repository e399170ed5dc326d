import type { AutoMlEntry } from "../../train/automl-entry.js";

/** Kernel fits grow with the rows squared (and Platt's probabilities take 5 more fits): small tables only. */
const SVM_ROWS = 5000;

/** scikit-learn's SVC defaults (RBF, C 1, gamma "scale"), then C and gamma on log grids. */
export const svmAutoMl: AutoMlEntry = {
  portfolio: (t) => (t.rows <= SVM_ROWS ? [{ name: "svm (rbf)", model: { type: "svm", kernel: "rbf", C: 1, gamma: "scale" } }] : []),
  search: (t) =>
    t.rows <= SVM_ROWS
      ? { space: { type: "svm", C: [0.1, 0.3, 1, 3, 10, 30, 100], gamma: ["scale", 0.001, 0.003, 0.01, 0.03, 0.1, 0.3], kernel: ["rbf"] } }
      : undefined,
};
