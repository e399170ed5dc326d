import { classicFamily } from "../../train/classic/family.js";
import { fitLogistic } from "./logistic.js";
import { logisticAutoMl } from "./automl.js";
import { logisticSpace } from "./space.js";
import { LogisticRegressionSpecSchema } from "./spec.js";

/** Logistic regression: a classifier, stored and served as one Dense layer (a TF.js network). */
export const logisticRegression = classicFamily(
  "logisticRegression",
  LogisticRegressionSpecSchema,
  { classifierOnly: true, linear: true, spaces: { logisticRegression: logisticSpace }, automl: logisticAutoMl },
  {
    className: "LogisticRegression",
    fit: (spec, data) => {
      const m = fitLogistic(data, spec);
      const facts = { iterations: m.iterations, nonZeroWeights: m.kernel.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0) };
      return { kind: "dense", units: m.m, mode: m.m === 1 ? "sigmoid" : "softmax", kernel: m.kernel, bias: m.bias, facts };
    },
  },
);
