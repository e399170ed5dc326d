import { z } from "zod";

/** The objective a task trains with, as the networks' loss is picked from the task. */
export type Objective = "binary:logistic" | "multi:softprob" | "reg:squarederror";

/** A trained booster as the job stores it (the classic artifact's `model`). */
export const XgbModelSchema = z.object({
  /** XGBoost's own JSON model (`save_model("model.json")`), as text: the library reads it back as is. */
  booster: z.string(),
  objective: z.enum(["binary:logistic", "multi:softprob", "reg:squarederror"]),
  /** Classes; 0 for regression. */
  classes: z.number().int().min(0),
  /** Rounds the stored booster holds (the best round's, after early stopping). */
  rounds: z.number().int().min(0),
});
export type XgbModel = z.infer<typeof XgbModelSchema>;

const TreeSchema = z.object({
  left_children: z.array(z.number()),
  right_children: z.array(z.number()),
  split_indices: z.array(z.number()),
  split_conditions: z.array(z.number()),
  default_left: z.array(z.union([z.number(), z.boolean()])),
});
export type Tree = z.infer<typeof TreeSchema>;

/** The parts of XGBoost's JSON model schema (doc/model.schema in XGBoost's repository) the ONNX writer reads. */
const BoosterJsonSchema = z.object({
  learner: z.object({
    learner_model_param: z.object({ base_score: z.string(), num_class: z.string() }),
    gradient_booster: z.object({ model: z.object({ trees: z.array(TreeSchema), tree_info: z.array(z.number()) }) }),
  }),
});

/** The trees, the class (output group) of each, and the base score, from the stored JSON. */
export function readTrees(model: XgbModel): { trees: Tree[]; group: number[]; baseScore: number } {
  const learner = BoosterJsonSchema.parse(JSON.parse(model.booster)).learner;
  const { trees, tree_info } = learner.gradient_booster.model;
  return { trees, group: tree_info, baseScore: Number(learner.learner_model_param.base_score) };
}

/**
 * One TreeSHAP step costs about 30 of a network's multiply-adds: here 2.4e8 to 3.7e8 steps/s
 * (a 1,800-tree booster, 2.8M steps a row, 50 and 200 rows) against ~1e10 multiply-adds/s, so
 * /predict's MAX_PREDICT_OPS bounds an explained request's time as it bounds a network's.
 */
export const SHAP_STEP_OPS = 30;

/**
 * What one row costs, from one read of the trees: `nodes` in all trees (what a prediction visits
 * at most, the cost /predict is bounded by) and TreeSHAP's steps, leaves x (depth + 1)^2 summed
 * over the trees (Lundberg et al. 2020, Algorithm 2).
 */
export function rowCosts(model: XgbModel): { nodes: number; shapSteps: number } {
  let ops = 0;
  let nodes = 0;
  for (const t of readTrees(model).trees) {
    nodes += t.left_children.length;
    const depth = new Int32Array(t.left_children.length);
    let leaves = 0;
    let deepest = 0;
    t.left_children.forEach((left, i) => {
      if (left < 0) leaves++;
      else depth[left] = depth[t.right_children[i]!] = depth[i]! + 1; // children follow their parent in XGBoost's node order
      deepest = Math.max(deepest, depth[i]!);
    });
    ops += leaves * (deepest + 1) ** 2;
  }
  return { nodes, shapSteps: ops };
}
