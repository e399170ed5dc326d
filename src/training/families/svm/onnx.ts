import type { Graph } from "../../formats/onnx.js";
import type { SvmModel } from "./svm.js";

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
export function svmOnnx(g: Graph, x: string, model: SvmModel, d: number): string {
  const m = readLibsvm(model.libsvm, d);
  const kernel = { rbf: "RBF", linear: "LINEAR", polynomial: "POLY", sigmoid: "SIGMOID" }[m.kernel] ?? "RBF";
  const common = {
    kernel_type: kernel,
    kernel_params: { floats: [m.gamma, m.coef0, m.degree] },
    support_vectors: { floats: m.vectors },
    post_transform: "NONE",
  };
  if (!model.classes) {
    return g.op(
      "SVMRegressor",
      [x],
      { ...common, coefficients: { floats: m.coefs[0]! }, rho: { floats: m.rho.map((r) => -r) }, n_supports: m.coefs[0]!.length },
      "ai.onnx.ml",
    );
  }
  const binary = m.labels.length === 2;
  const { label, scores } = g.classifier("SVMClassifier", x, {
    ...common,
    classlabels_ints: m.labels,
    vectors_per_class: m.perClass,
    coefficients: { floats: m.coefs.flat() },
    rho: { floats: m.rho.map((r) => -r) },
    ...(model.probability && !binary ? { prob_a: { floats: m.probA }, prob_b: { floats: m.probB } } : {}),
  });
  // Without probability estimates the service answers the decision one-hot: so does the export.
  if (!model.probability)
    return g.op("Squeeze", [g.op("OneHot", [label, g.constInt("depth", [model.classes]), g.constFloat("onoff", [0, 1], [2])], { axis: -1 })]);
  const order = Array.from({ length: model.classes }, (_, c) => m.labels.indexOf(c));
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
