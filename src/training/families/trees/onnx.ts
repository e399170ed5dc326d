/**
 * Decision trees and random forests as ONNX: ai.onnx.ml TreeEnsembleClassifier /
 * TreeEnsembleRegressor (each leaf's class frequencies, or mean, divided by the number of trees
 * and summed: the forest's average), behind the preprocessing ops every export has.
 */
import type { Graph } from "../../formats/onnx.js";
import type { Forest } from "./forest.js";

export function forestOnnx(g: Graph, x: string, model: Forest, classes: number): string {
  const { trees, width } = model;
  const nodes = {
    treeids: [] as number[],
    nodeids: [] as number[],
    featureids: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueids: [] as number[],
    falseids: [] as number[],
  };
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
    nodes_treeids: nodes.treeids,
    nodes_nodeids: nodes.nodeids,
    nodes_featureids: nodes.featureids,
    nodes_values: { floats: nodes.values },
    nodes_modes: nodes.modes,
    nodes_truenodeids: nodes.trueids,
    nodes_falsenodeids: nodes.falseids,
    post_transform: "NONE",
  };
  if (classes) {
    return g.classifier("TreeEnsembleClassifier", x, {
      ...common,
      class_treeids: leaves.treeids,
      class_nodeids: leaves.nodeids,
      class_ids: leaves.ids,
      class_weights: { floats: leaves.weights },
      classlabels_int64s: Array.from({ length: classes }, (_, i) => i),
    }).scores;
  }
  return g.op(
    "TreeEnsembleRegressor",
    [x],
    {
      ...common,
      n_targets: 1,
      target_treeids: leaves.treeids,
      target_nodeids: leaves.nodeids,
      target_ids: leaves.ids,
      target_weights: { floats: leaves.weights },
      aggregate_function: "SUM",
    },
    "ai.onnx.ml",
  );
}
