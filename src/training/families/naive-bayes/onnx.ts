/**
 * Gaussian naive Bayes as plain ONNX ops: the class log-likelihood is quadratic in x,
 * sum_j -x_j^2 / (2 v_cj) + x_j m_cj / v_cj - m_cj^2 / (2 v_cj) - log(2 pi v_cj) / 2, plus the log
 * prior, then Softmax.
 */
import type { Graph } from "../../formats/onnx.js";
import type { GaussianNb } from "./naive-bayes.js";

export function naiveBayesOnnx(g: Graph, x: string, model: GaussianNb): string {
  const { k, d, priors, mean, variance } = model;
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
