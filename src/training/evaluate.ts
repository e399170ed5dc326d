import { argmax } from "./predict.js";

export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  /** Mean cross-entropy of the true class (log loss), probabilities clipped to [1e-7, 1]. */
  loss: number;
  perClass: Array<{ label: string; precision: number; recall: number; f1: number; support: number }>;
  macroF1: number;
  /** rows: true label, columns: predicted label, both in `labels` order. */
  confusionMatrix: { labels: string[]; matrix: number[][] };
}

export interface RegressionMetrics {
  n: number;
  /** Mean squared error, the training loss. */
  loss: number;
  mse: number;
  mae: number;
  rmse: number;
  r2: number;
}

const safe = (num: number, den: number) => (den === 0 ? 0 : num / den);

export function classificationMetrics(probs: Float32Array, truth: Float64Array, labels: string[]): ClassificationMetrics {
  const k = labels.length;
  const n = truth.length;
  const matrix = labels.map(() => new Array<number>(k).fill(0));
  let correct = 0;
  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    const t = truth[i]!;
    const p = argmax(probs, i * k, k);
    matrix[t]![p]!++;
    if (p === t) correct++;
    logLoss -= Math.log(Math.min(1, Math.max(1e-7, probs[i * k + t]!)));
  }
  const perClass = labels.map((label, c) => {
    const tp = matrix[c]![c]!;
    const predicted = matrix.reduce((s, row) => s + row[c]!, 0);
    const support = matrix[c]!.reduce((s, v) => s + v, 0);
    const precision = safe(tp, predicted);
    const recall = safe(tp, support);
    return { label, precision, recall, f1: safe(2 * precision * recall, precision + recall), support };
  });
  return {
    n,
    accuracy: safe(correct, n),
    loss: safe(logLoss, n),
    perClass,
    macroF1: safe(perClass.reduce((s, c) => s + c.f1, 0), k),
    confusionMatrix: { labels, matrix },
  };
}

export function regressionMetrics(pred: Float32Array, truth: Float64Array): RegressionMetrics {
  const n = truth.length;
  const mean = safe(truth.reduce((a, b) => a + b, 0), n);
  let se = 0;
  let ae = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const e = pred[i]! - truth[i]!;
    se += e * e;
    ae += Math.abs(e);
    ss += (truth[i]! - mean) ** 2;
  }
  const mse = safe(se, n);
  return { n, loss: mse, mse, mae: safe(ae, n), rmse: Math.sqrt(mse), r2: ss === 0 ? 0 : 1 - se / ss };
}
