import { classicFamily } from "../../train/classic/family.js";
import type { Graph } from "../../formats/onnx.js";
import { fitForest, ForestSchema, forestNodes, predictForest, type Forest } from "./forest.js";
import { forestOnnx } from "./onnx.js";
import { forestAutoMl } from "./automl.js";
import { forestSpace } from "./space.js";
import { DecisionTreeSpecSchema, RandomForestSpecSchema } from "./spec.js";

/** scikit-learn's max_features: sqrt(d) for classifiers, all inputs for regressors by default. */
function featuresPerSplit(spec: "sqrt" | "log2" | "all" | number | undefined, d: number, classify: boolean): number {
  const choice = spec ?? (classify ? "sqrt" : "all");
  const n = choice === "sqrt" ? Math.sqrt(d) : choice === "log2" ? Math.log2(d) : choice === "all" ? d : choice * d;
  return Math.min(d, Math.max(1, Math.round(n)));
}

const serve = {
  stored: ForestSchema,
  predict: predictForest,
  onnx: (g: Graph, x: string, model: Forest, _d: number, classes: number) => forestOnnx(g, x, model, classes),
};

/** One tree on every row and input: a forest of one, without bootstrap. */
export const decisionTree = classicFamily(
  "decisionTree",
  DecisionTreeSpecSchema,
  {},
  {
    className: "DecisionTree",
    fit: (spec, data) => {
      const forest = fitForest(data, { ...spec, trees: 1, maxFeatures: data.d, bootstrap: false });
      const nodes = forestNodes(forest);
      return { kind: "classic", model: forest, facts: { nodes, params: nodes } };
    },
    ...serve,
  },
);

/** Bagged histogram trees (Breiman 2001). */
export const randomForest = classicFamily(
  "randomForest",
  RandomForestSpecSchema,
  { spaces: { randomForest: forestSpace }, automl: forestAutoMl },
  {
    className: "RandomForest",
    fit: (spec, data) => {
      const forest = fitForest(data, { ...spec, maxFeatures: featuresPerSplit(spec.maxFeatures, data.d, data.k > 0) });
      const nodes = forestNodes(forest);
      return { kind: "classic", model: forest, facts: { nodes, params: nodes } };
    },
    ...serve,
  },
);
