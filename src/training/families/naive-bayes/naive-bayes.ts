import { z } from "zod";
import type { FitData, Scores } from "../../train/classic/data.js";
import { classPriors } from "../../train/classic/data.js";

const float64 = z
  .array(z.number())
  .transform((v) => Float64Array.from(v))
  .or(z.custom<Float64Array>((v) => v instanceof Float64Array, "a float64 array"));
/** Per class, its prior; per class and input, a mean and a variance (row-major [k, d]). */
export const GaussianNbSchema = z.object({ k: z.number().int().min(1), d: z.number().int().min(1), priors: float64, mean: float64, variance: float64 });
export type GaussianNb = z.infer<typeof GaussianNbSchema>;

/** Gaussian naive Bayes (scikit-learn's GaussianNB): per class and input, a mean and a variance. */
export function fitNaiveBayes(data: FitData, varSmoothing: number): GaussianNb {
  const { n, d, x, y, k } = data;
  const mean = new Float64Array(k * d);
  const sq = new Float64Array(k * d);
  const count = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    const w = data.weight ? data.weight[i]! : 1;
    count[c]! += w;
    for (let j = 0; j < d; j++) {
      mean[c * d + j]! += w * x[i * d + j]!;
      sq[c * d + j]! += w * x[i * d + j]! ** 2;
    }
  }
  const variance = new Float64Array(k * d);
  // GaussianNB's epsilon: var_smoothing times the largest variance of an input over all rows.
  const total = count.reduce((a, b) => a + b, 0);
  let largest = 0;
  for (let j = 0; j < d; j++) {
    let s = 0,
      s2 = 0;
    for (let c = 0; c < k; c++) ((s += mean[c * d + j]!), (s2 += sq[c * d + j]!));
    largest = Math.max(largest, s2 / total - (s / total) ** 2);
  }
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      const m = count[c] ? mean[c * d + j]! / count[c]! : 0;
      mean[c * d + j] = m;
      variance[c * d + j] = count[c] ? Math.max(0, sq[c * d + j]! / count[c]! - m * m) : 0;
    }
  }
  const epsilon = varSmoothing * (largest || 1);
  return { k, d, priors: classPriors(y, k, data.weight), mean, variance: variance.map((v) => v + epsilon) };
}

export function predictNaiveBayes(m: GaussianNb, x: Float32Array, n: number): Scores {
  const { k, d } = m;
  const values = new Float32Array(n * k);
  const log = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = Math.log(m.priors[c]! || 1e-300);
      for (let j = 0; j < d; j++) {
        const v = m.variance[c * d + j]!;
        s -= 0.5 * Math.log(2 * Math.PI * v) + (x[i * d + j]! - m.mean[c * d + j]!) ** 2 / (2 * v);
      }
      log[c] = s;
    }
    const max = Math.max(...log);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(log[c]! - max);
    for (let c = 0; c < k; c++) values[i * k + c] = Math.exp(log[c]! - max) / sum;
  }
  return { values, width: k };
}
