import type { AutoMlEntry } from "../../train/automl-entry.js";

/** GaussianNB: nearly free, and sometimes the best on few rows. Classification only. */
export const naiveBayesAutoMl: AutoMlEntry = {
  portfolio: (t) => (t.task === "classification" ? [{ name: "naive bayes", model: { type: "naiveBayes" } }] : []),
};
