/** Statistics of a leaderboard: mean and spread over folds, and the paired test of two candidates. */

import { meanStd } from "../training/index.js";

/** The leaderboard's spread: the service's one convention (population std, numpy's default). */
export { meanStd };

/** ln Gamma by Lanczos's approximation (g = 7, n = 9; Numerical Recipes 3rd ed., 6.1). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (Numerical Recipes 3rd ed., 6.4, betacf). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = 1 + aa / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = 1 + aa / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-12) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom: I_{df/(df+t^2)}(df/2, 1/2). */
export function studentTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * Paired comparison over k folds by the corrected resampled t-test (Nadeau & Bengio, Machine
 * Learning 52, 2003): the folds' training sets overlap, so the variance of the differences is
 * inflated by (1/k + n_test/n_train) rather than divided by k. Differences are a - b per fold.
 */
export function pairedFolds(a: number[], b: number[], testFraction: number): { difference: number; t: number; pValue: number } {
  const d = a.map((v, i) => v - b[i]!);
  const k = d.length;
  const { mean } = meanStd(d);
  if (k < 2) return { difference: mean, t: NaN, pValue: NaN };
  // The test's variance estimate is the sample variance (n - 1), as Nadeau & Bengio define it.
  const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / (k - 1);
  if (variance === 0) return { difference: mean, t: mean === 0 ? 0 : Infinity, pValue: mean === 0 ? 1 : 0 };
  const t = mean / Math.sqrt((1 / k + testFraction / (1 - testFraction)) * variance);
  return { difference: mean, t, pValue: studentTwoSided(t, k - 1) };
}
