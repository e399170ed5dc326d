/**
 * Classic baselines as ONNX, behind the same preprocessing ops as networks: decision trees and
 * random forests as ai.onnx.ml TreeEnsembleClassifier / TreeEnsembleRegressor (each leaf's class
 * frequencies, or mean, divided by the number of trees and summed: the forest's average), Gaussian
 * naive Bayes as plain ops (the class log-likelihood is quadratic in x:
 * sum_j -x_j^2 / (2 v_cj) + x_j m_cj / v_cj - m_cj^2 / (2 v_cj) - log(2 pi v_cj) / 2, plus log prior,
 * then Softmax). SVM and kNN have none yet (ExportError).
 */
import type { BaselineArtifact } from "./artifact.js";
import type { Preprocessing } from "../../data/preprocess.js";
import { ExportError } from "../../formats/export-error.js";
import { onnxWithPreprocessing, type Graph } from "../../formats/onnx.js";

function forest(g: Graph, x: string, a: Extract<BaselineArtifact, { family: "decisionTree" | "randomForest" }>, classes: number): string {
  const { trees, width } = a.model;
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
    const label = g.fresh("label");
    const probs = g.fresh("probabilities");
    g.nodes.push({
      op: "TreeEnsembleClassifier",
      domain: "ai.onnx.ml",
      inputs: [x],
      outputs: [label, probs],
      attrs: {
        ...common,
        class_treeids: leaves.treeids,
        class_nodeids: leaves.nodeids,
        class_ids: leaves.ids,
        class_weights: { floats: leaves.weights },
        classlabels_int64s: Array.from({ length: classes }, (_, i) => i),
      },
    });
    return probs;
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

function naiveBayes(g: Graph, x: string, a: Extract<BaselineArtifact, { family: "naiveBayes" }>): string {
  const { k, d, priors, mean, variance } = a.model;
  const quad = new Float32Array(d * k),
    lin = new Float32Array(d * k),
    bias = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    let b = Math.log(priors[c]! || 1e-300);
    for (let j = 0; j < d; j++) {
      const v = variance[c * d + j]!,
        m = mean[c * d + j]!;
      quad[j * k + c] = -1 / (2 * v);
      lin[j * k + c] = m / v;
      b -= (m * m) / (2 * v) + 0.5 * Math.log(2 * Math.PI * v);
    }
    bias[c] = b;
  }
  const x2 = g.op("Mul", [x, x]);
  const logits = g.op("Add", [
    g.op("Add", [g.op("MatMul", [x2, g.constFloat("quad", quad, [d, k])]), g.op("MatMul", [x, g.constFloat("lin", lin, [d, k])])]),
    g.constFloat("bias", bias, [k]),
  ]);
  return g.op("Softmax", [logits], { axis: -1 });
}

/** libsvm's model file (svm_save_model's text) read into its header and dense support vectors. */
export function readLibsvm(text: string, d: number) {
  const lines = text.split("\n");
  const header = new Map<string, string[]>();
  let at = 0;
  for (; at < lines.length && lines[at]!.trim() !== "SV"; at++) {
    const [key, ...rest] = lines[at]!.trim().split(/\s+/);
    if (key) header.set(key, rest);
  }
  const nums = (key: string) => (header.get(key) ?? []).map(Number);
  const classes = nums("nr_class")[0] ?? 2;
  const vectors: number[] = [];
  const coefs: number[][] = Array.from({ length: Math.max(1, classes - 1) }, () => []);
  for (const line of lines.slice(at + 1)) {
    const parts = line.trim().split(/\s+/).filter(Boolean);
    if (!parts.length) continue;
    const row = new Array<number>(d).fill(0);
    parts.forEach((p, i) => {
      if (i < coefs.length) coefs[i]!.push(Number(p));
      else {
        const [index, value] = p.split(":");
        row[Number(index) - 1] = Number(value); // 1-based; zeros are left out
      }
    });
    vectors.push(...row);
  }
  return {
    kernel: header.get("kernel_type")?.[0] ?? "rbf",
    gamma: nums("gamma")[0] ?? 0,
    coef0: nums("coef0")[0] ?? 0,
    degree: nums("degree")[0] ?? 3,
    rho: nums("rho"),
    labels: nums("label"),
    perClass: nums("nr_sv"),
    probA: nums("probA"),
    probB: nums("probB"),
    vectors,
    coefs,
  };
}

/**
 * An SVM as ai.onnx.ml SVMClassifier / SVMRegressor from libsvm's model. ONNX's SVM ops follow
 * scikit-learn's conventions (skl2onnx writes them): intercept = -rho. Several classes: the op's own
 * probability estimates (libsvm's pairwise coupling) in libsvm's label order, put back in the labels'
 * order; two classes: its decision value through libsvm's Platt step in ONNX ops.
 */
function svm(g: Graph, x: string, a: Extract<BaselineArtifact, { family: "svm" }>, d: number): string {
  const m = readLibsvm(a.model.libsvm, d);
  const kernel = { rbf: "RBF", linear: "LINEAR", polynomial: "POLY", sigmoid: "SIGMOID" }[m.kernel] ?? "RBF";
  const common = {
    kernel_type: kernel,
    kernel_params: { floats: [m.gamma, m.coef0, m.degree] },
    support_vectors: { floats: m.vectors },
    post_transform: "NONE",
  };
  if (!a.model.classes) {
    return g.op(
      "SVMRegressor",
      [x],
      { ...common, coefficients: { floats: m.coefs[0]! }, rho: { floats: m.rho.map((r) => -r) }, n_supports: m.coefs[0]!.length },
      "ai.onnx.ml",
    );
  }
  const binary = m.labels.length === 2;
  const label = g.fresh("label");
  const scores = g.fresh("scores");
  g.nodes.push({
    op: "SVMClassifier",
    domain: "ai.onnx.ml",
    inputs: [x],
    outputs: [label, scores],
    attrs: {
      ...common,
      classlabels_ints: m.labels,
      vectors_per_class: m.perClass,
      coefficients: { floats: m.coefs.flat() },
      rho: { floats: m.rho.map((r) => -r) },
      ...(a.model.probability && !binary ? { prob_a: { floats: m.probA }, prob_b: { floats: m.probB } } : {}),
    },
  });
  // Without probability estimates the service answers the decision one-hot: so does the export.
  if (!a.model.probability)
    return g.op("Squeeze", [g.op("OneHot", [label, g.constInt("depth", [a.model.classes]), g.constFloat("onoff", [0, 1], [2])], { axis: -1 })]);
  const order = Array.from({ length: a.model.classes }, (_, c) => m.labels.indexOf(c));
  if (!binary) return g.op("Gather", [scores, g.constInt("order", order)], { axis: 1 });
  // Two classes: libsvm's Platt step on its decision value f (svm.cpp sigmoid_predict,
  // P(first label) = 1 / (1 + exp(A f + B)), clipped to [1e-7, 1 - 1e-7] as svm_predict_probability
  // does). With scikit-learn's conventions the op scores [-f, f]: f is the second score.
  const f = g.op("Slice", [scores, g.constInt("start", [1]), g.constInt("end", [2]), g.constInt("axis", [1])]);
  const z = g.op("Add", [g.op("Mul", [f, g.constFloat("probA", [m.probA[0]!], [])]), g.constFloat("probB", [m.probB[0]!], [])]);
  const first = g.op("Clip", [g.op("Sigmoid", [g.op("Neg", [z])]), g.constFloat("lo", [1e-7], []), g.constFloat("hi", [1 - 1e-7], [])]);
  const both = g.op("Concat", [first, g.op("Sub", [g.constFloat("one", [1], []), first])], { axis: 1 });
  return g.op("Gather", [both, g.constInt("order", order)], { axis: 1 });
}

/** The ONNX model's bytes for a baseline and its preprocessing. */
export function onnxBaseline(a: BaselineArtifact, prep: Preprocessing, meta: Record<string, string>): Buffer {
  if (a.family === "knn") throw new ExportError(`a ${a.family} has no ONNX export yet: download baseline.json`);
  return onnxWithPreprocessing(prep, meta, (g, groups, labels) => {
    const x = groups[0]!;
    if (a.family === "naiveBayes") return naiveBayes(g, x, a);
    const out = a.family === "svm" ? svm(g, x, a, a.inputs) : forest(g, x, a, labels.length);
    // A regressor learned the standardized target: value = out * std + mean, as predictBaseline.
    const scale = a.targetScale;
    return scale ? g.op("Add", [g.op("Mul", [out, g.constFloat("std", [scale.std], [])]), g.constFloat("mean", [scale.mean], [])]) : out;
  });
}
