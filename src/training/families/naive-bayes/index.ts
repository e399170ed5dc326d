import { classicFamily } from "../../train/classic/family.js";
import { fitNaiveBayes, GaussianNbSchema, predictNaiveBayes } from "./naive-bayes.js";
import { naiveBayesOnnx } from "./onnx.js";
import { naiveBayesAutoMl } from "./automl.js";
import { NaiveBayesSpecSchema } from "./spec.js";

/** Gaussian naive Bayes: a classifier; baseline.json and ONNX. */
export const naiveBayes = classicFamily(
  "naiveBayes",
  NaiveBayesSpecSchema,
  { classifierOnly: true, automl: naiveBayesAutoMl },
  {
    className: "GaussianNB",
    fit: (spec, data) => ({ kind: "classic", model: fitNaiveBayes(data, spec.varSmoothing), facts: { params: 2 * data.k * data.d + data.k } }),
    stored: GaussianNbSchema,
    predict: (m, x, n) => predictNaiveBayes(m, x, n),
    onnx: (g, x, model) => naiveBayesOnnx(g, x, model),
  },
);
