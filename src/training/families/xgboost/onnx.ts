/**
 * A booster as ONNX: ai.onnx.ml TreeEnsembleRegressor summing each output group's trees into its
 * margin (XGBoost's rule: x < split goes left; a missing value follows default_left), the base
 * score added as the margin of a model with no trees, then the objective's link: sigmoid (binary,
 * as [1 - p, p]), softmax (multiclass), none (regression). onnxmltools' XGBoost converter does the
 * same; here it sits behind the preprocessing ops every export has.
 */
import type { Graph } from "../../formats/onnx.js";
import { readTrees, type XgbModel } from "./model.js";

/** The margin of a model with no trees: base_score through the objective's inverse link (logit for binary). */
export function baseMargin(model: XgbModel, baseScore: number): number {
  return model.objective === "binary:logistic" ? Math.log(baseScore / (1 - baseScore)) : baseScore;
}

export function boosterOnnx(g: Graph, x: string, model: XgbModel): string {
  const { trees, group, baseScore } = readTrees(model);
  const targets = model.objective === "multi:softprob" ? model.classes : 1;
  const nodes = { treeids: [] as number[], nodeids: [] as number[], featureids: [] as number[], values: [] as number[], modes: [] as string[] };
  const branches = { trueids: [] as number[], falseids: [] as number[], missingTrue: [] as number[] };
  const leaves = { treeids: [] as number[], nodeids: [] as number[], ids: [] as number[], weights: [] as number[] };
  trees.forEach((t, ti) => {
    t.left_children.forEach((left, ni) => {
      const leaf = left < 0;
      nodes.treeids.push(ti);
      nodes.nodeids.push(ni);
      nodes.featureids.push(leaf ? 0 : t.split_indices[ni]!);
      nodes.values.push(leaf ? 0 : t.split_conditions[ni]!);
      nodes.modes.push(leaf ? "LEAF" : "BRANCH_LT");
      branches.trueids.push(leaf ? 0 : left);
      branches.falseids.push(leaf ? 0 : t.right_children[ni]!);
      branches.missingTrue.push(!leaf && Number(t.default_left[ni]) ? 1 : 0);
      if (!leaf) return;
      leaves.treeids.push(ti);
      leaves.nodeids.push(ni);
      leaves.ids.push(group[ti]!);
      leaves.weights.push(t.split_conditions[ni]!); // a leaf's value is stored in its split_conditions
    });
  });
  const margin = g.op(
    "TreeEnsembleRegressor",
    [x],
    {
      nodes_treeids: nodes.treeids,
      nodes_nodeids: nodes.nodeids,
      nodes_featureids: nodes.featureids,
      nodes_values: { floats: nodes.values },
      nodes_modes: nodes.modes,
      nodes_truenodeids: branches.trueids,
      nodes_falsenodeids: branches.falseids,
      nodes_missing_value_tracks_true: branches.missingTrue,
      n_targets: targets,
      target_treeids: leaves.treeids,
      target_nodeids: leaves.nodeids,
      target_ids: leaves.ids,
      target_weights: { floats: leaves.weights },
      base_values: { floats: Array.from({ length: targets }, () => baseMargin(model, baseScore)) },
      aggregate_function: "SUM",
      post_transform: "NONE",
    },
    "ai.onnx.ml",
  );
  if (model.objective === "multi:softprob") return g.op("Softmax", [margin], { axis: -1 });
  if (model.objective === "reg:squarederror") return margin;
  const p = g.op("Sigmoid", [margin]);
  return g.op("Concat", [g.op("Sub", [g.constFloat("one", [1], []), p]), p], { axis: 1 });
}
