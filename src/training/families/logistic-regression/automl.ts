import type { AutoMlEntry } from "../../train/automl-entry.js";

/** scikit-learn's default (L2, C 1), then C on a log grid and the L1 penalty. Classification only. */
export const logisticAutoMl: AutoMlEntry = {
  portfolio: (t) => (t.task === "classification" ? [{ name: "logistic regression", model: { type: "logisticRegression", C: 1 } }] : []),
  search: (t) =>
    t.task === "classification" ? { space: { type: "logisticRegression", C: [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100], penalty: ["l2", "l1"] } } : undefined,
};
