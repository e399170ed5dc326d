/**
 * Classic baselines as ONNX, behind the same preprocessing ops as networks: decision trees and
 * random forests as ai.onnx.ml TreeEnsembleClassifier / TreeEnsembleRegressor (each leaf's class
 * frequencies, or mean, divided by the number of trees and summed: the forest's average), Gaussian
 * naive Bayes as plain ops (the class log-likelihood is quadratic in x:
 * sum_j -x_j^2 / (2 v_cj) + x_j m_cj / v_cj - m_cj^2 / (2 v_cj) - log(2 pi v_cj) / 2, plus log prior,
 * then Softmax). SVM and kNN have none yet (ExportError).
 */
import type { BaselineArtifact } from "../baselines/model.js";
import type { Preprocessing } from "../preprocess.js";
import { ExportError } from "./export-error.js";
import { onnxWithPreprocessing, type Graph } from "./onnx.js";

function forest(g: Graph, x: string, a: Extract<BaselineArtifact, { family: "decisionTree" | "randomForest" }>, classes: number): string {
  const { trees, width } = a.model;
  const nodes = { treeids: [] as number[], nodeids: [] as number[], featureids: [] as number[], values: [] as number[], modes: [] as string[], trueids: [] as number[], falseids: [] as number[] };
  const leaves = { treeids: [] as number[], nodeids: [] as number[], ids: [] as number[], weights: [] as number[] };
  trees.forEach((t, ti) => {
    t.feature.forEach((f, ni) => {
      const leaf = f < 0;
      nodes.treeids.push(ti);
      nodes.nodeids.push(ni);
      nodes.featureids.push(leaf ? 0 : f);
      nodes.values.push(leaf ? 0 : t.threshold[ni]!);
      nodes.modes.push(leaf ? "LEAF" : "BRANCH_LEQ"); // x <= threshold goes left, as the forest's own predict
      nodes.trueids.push(leaf ? 0 : t.left[ni]!);
      nodes.falseids.push(leaf ? 0 : t.right[ni]!);
      if (!leaf) return;
      for (let c = 0; c < width; c++) {
        leaves.treeids.push(ti);
        leaves.nodeids.push(ni);
        leaves.ids.push(c);
        leaves.weights.push(t.value[ni * width + c]! / trees.length);
      }
    });
  });
  const common = {
    nodes_treeids: nodes.treeids, nodes_nodeids: nodes.nodeids, nodes_featureids: nodes.featureids, nodes_values: { floats: nodes.values },
    nodes_modes: nodes.modes, nodes_truenodeids: nodes.trueids, nodes_falsenodeids: nodes.falseids, post_transform: "NONE",
  };
  if (classes) {
    const label = g.fresh("label");
    const probs = g.fresh("probabilities");
    g.nodes.push({
      op: "TreeEnsembleClassifier", domain: "ai.onnx.ml", inputs: [x], outputs: [label, probs],
      attrs: { ...common, class_treeids: leaves.treeids, class_nodeids: leaves.nodeids, class_ids: leaves.ids, class_weights: { floats: leaves.weights }, classlabels_int64s: Array.from({ length: classes }, (_, i) => i) },
    });
    return probs;
  }
  return g.op("TreeEnsembleRegressor", [x], { ...common, n_targets: 1, target_treeids: leaves.treeids, target_nodeids: leaves.nodeids, target_ids: leaves.ids, target_weights: { floats: leaves.weights }, aggregate_function: "SUM" }, "ai.onnx.ml");
}

function naiveBayes(g: Graph, x: string, a: Extract<BaselineArtifact, { family: "naiveBayes" }>): string {
  const { k, d, priors, mean, variance } = a.model;
  const quad = new Float32Array(d * k), lin = new Float32Array(d * k), bias = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    let b = Math.log(priors[c]! || 1e-300);
    for (let j = 0; j < d; j++) {
      const v = variance[c * d + j]!, m = mean[c * d + j]!;
      quad[j * k + c] = -1 / (2 * v);
      lin[j * k + c] = m / v;
      b -= (m * m) / (2 * v) + 0.5 * Math.log(2 * Math.PI * v);
    }
    bias[c] = b;
  }
  const x2 = g.op("Mul", [x, x]);
  const logits = g.op("Add", [g.op("Add", [g.op("MatMul", [x2, g.constFloat("quad", quad, [d, k])]), g.op("MatMul", [x, g.constFloat("lin", lin, [d, k])])]), g.constFloat("bias", bias, [k])]);
  return g.op("Softmax", [logits], { axis: -1 });
}

/** The ONNX model's bytes for a baseline and its preprocessing. */
export function onnxBaseline(a: BaselineArtifact, prep: Preprocessing, meta: Record<string, string>): Buffer {
  if (a.family === "svm" || a.family === "knn") throw new ExportError(`a ${a.family} has no ONNX export yet: download baseline.json`);
  return onnxWithPreprocessing(prep, meta, (g, groups, labels) => {
    const x = groups[0]!;
    if (a.family === "naiveBayes") return naiveBayes(g, x, a);
    const out = forest(g, x, a, labels.length);
    if (!a.targetScale) return out;
    return g.op("Add", [g.op("Mul", [out, g.constFloat("std", [a.targetScale.std], [])]), g.constFloat("mean", [a.targetScale.mean], [])]);
  });
}
