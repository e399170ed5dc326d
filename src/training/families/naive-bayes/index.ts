import { classicFamily } from "../../train/classic/family.js";
import { fitNaiveBayes, predictNaiveBayes } from "./naive-bayes.js";
import { naiveBayesOnnx } from "./onnx.js";
import { NaiveBayesSpecSchema } from "./spec.js";

/** Gaussian naive Bayes: a classifier; baseline.json and ONNX. */
export const naiveBayes = classicFamily(
  "naiveBayes",
  NaiveBayesSpecSchema,
  { classifierOnly: true },
  {
    className: "GaussianNB",
    fit: (spec, data) => ({ kind: "classic", model: fitNaiveBayes(data, spec.varSmoothing), facts: { params: 2 * data.k * data.d + data.k } }),
    // Read back from JSON, the arrays are plain arrays.
    predict: (m, x, n) =>
      predictNaiveBayes({ ...m, priors: Float64Array.from(m.priors), mean: Float64Array.from(m.mean), variance: Float64Array.from(m.variance) }, x, n),
    onnx: (g, x, model) => naiveBayesOnnx(g, x, model),
  },
);
