import { argmax } from "./argmax.js";

/**
 * A model's predictions on its test rows (a fold's held-out rows), kept beside its metrics:
 * an AutoML experiment builds its ensemble from them (experiments/automl/ensemble.ts).
 * Classification: probabilities [n, width]; regression: values in the target's units, width 1.
 */
export interface HeldOut {
  rows: ArrayLike<number>;
  values: Float32Array;
  width: number;
  truth: Float64Array;
}

/** The held-out predictions of `part` when it is the test part and knows its rows. */
export const heldOutOf = (part: { rows?: ArrayLike<number>; truth: Float64Array }, values: Float32Array, width: number): HeldOut | undefined =>
  part.rows ? { rows: part.rows, values, width, truth: part.truth } : undefined;

export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  /** Mean of per-class recall: accuracy that a majority class cannot inflate. */
  balancedAccuracy: number;
  /** Mean cross-entropy of the true class (log loss), probabilities clipped to [1e-7, 1]. */
  loss: number;
  perClass: Array<{ label: string; precision: number; recall: number; f1: number; support: number }>;
  macroF1: number;
  /** F1 averaged with each class weighted by its support. */
  weightedF1: number;
  /** Binary only: area under the ROC curve of the second label's probability, and log loss. */
  rocAuc?: number;
  logLoss?: number;
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
  const present = perClass.filter((c) => c.support > 0);
  const metrics: ClassificationMetrics = {
    n,
    accuracy: safe(correct, n),
    balancedAccuracy: safe(
      present.reduce((s, c) => s + c.recall, 0),
      present.length,
    ),
    loss: safe(logLoss, n),
    perClass,
    macroF1: safe(
      perClass.reduce((s, c) => s + c.f1, 0),
      k,
    ),
    weightedF1: safe(
      perClass.reduce((s, c) => s + c.f1 * c.support, 0),
      n,
    ),
    confusionMatrix: { labels, matrix },
  };
  if (k === 2) {
    metrics.logLoss = metrics.loss;
    metrics.rocAuc = rocAuc(
      Float64Array.from({ length: n }, (_, i) => probs[i * 2 + 1]!),
      truth,
    );
  }
  return metrics;
}

/**
 * ROC AUC as the Mann-Whitney U statistic: the chance that a random positive scores above a
 * random negative, ties counting half (Hanley & McNeil, Radiology 1982). NaN with one class.
 */
export function rocAuc(scores: Float64Array, truth: Float64Array): number {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a]! - scores[b]!);
  const ranks = new Float64Array(scores.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    for (let t = i; t <= j; t++) ranks[order[t]!] = (i + j) / 2 + 1; // average rank of a tie
    i = j + 1;
  }
  let positives = 0;
  let rankSum = 0;
  truth.forEach((t, i) => {
    if (t === 1) {
      positives++;
      rankSum += ranks[i]!;
    }
  });
  const negatives = truth.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function regressionMetrics(pred: Float32Array, truth: Float64Array): RegressionMetrics {
  const n = truth.length;
  const mean = safe(
    truth.reduce((a, b) => a + b, 0),
    n,
  );
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

/** A model's metrics on one part of the data. */
export type Metrics = ClassificationMetrics | RegressionMetrics;
