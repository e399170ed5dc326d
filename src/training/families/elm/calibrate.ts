/**
 * Turns least-squares scores into probabilities. Binary: Platt scaling, P = sigmoid(a s + c)
 * fitted by Newton's method on the log loss (Platt 1999). Multiclass: one temperature,
 * P = softmax(tau s), chosen by golden-section search on the log loss (Guo et al. 2017).
 */

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function plattScaling(scores: Float64Array, labels: ArrayLike<number>): { a: number; c: number } {
  let a = 1;
  let c = 0;
  for (let iter = 0; iter < 50; iter++) {
    let ga = 0,
      gc = 0,
      haa = 0,
      hac = 0,
      hcc = 0;
    for (let i = 0; i < scores.length; i++) {
      const p = sigmoid(a * scores[i]! + c);
      const r = p - labels[i]!;
      const w = Math.max(p * (1 - p), 1e-12);
      ga += r * scores[i]!;
      gc += r;
      haa += w * scores[i]! ** 2;
      hac += w * scores[i]!;
      hcc += w;
    }
    // A small ridge keeps the step finite when the classes separate perfectly.
    haa += 1e-6;
    hcc += 1e-6;
    const det = haa * hcc - hac * hac;
    const da = (hcc * ga - hac * gc) / det;
    const dc = (haa * gc - hac * ga) / det;
    a -= da;
    c -= dc;
    if (Math.abs(da) + Math.abs(dc) < 1e-9) break;
  }
  // Separable data sends a to infinity; a bounded slope keeps probabilities usable.
  return { a: Math.min(Math.max(a, 1e-3), 50), c: Math.min(Math.max(c, -50), 50) };
}

export function temperature(scores: Float64Array, labels: ArrayLike<number>, k: number): number {
  // Each row's largest score: with tau > 0 the largest of tau * s is tau times it (log-sum-exp shift).
  const top = Float64Array.from({ length: labels.length }, (_, i) => {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[i * k + c]!);
    return max;
  });
  const nll = (logTau: number) => {
    const tau = Math.exp(logTau);
    let sum = 0;
    for (let i = 0; i < labels.length; i++) {
      const max = tau * top[i]!;
      let z = 0;
      for (let c = 0; c < k; c++) z += Math.exp(tau * scores[i * k + c]! - max);
      sum -= tau * scores[i * k + labels[i]!]! - max - Math.log(z);
    }
    return sum;
  };
  // Golden-section search on log tau over [0.1, 100], one new evaluation per step (Kiefer 1953).
  const g = (Math.sqrt(5) - 1) / 2;
  let lo = Math.log(0.1);
  let hi = Math.log(100);
  let m1 = hi - g * (hi - lo);
  let m2 = lo + g * (hi - lo);
  let f1 = nll(m1);
  let f2 = nll(m2);
  // 40 steps narrow log tau to 7e-9 of its range: far below what changes a probability.
  for (let iter = 0; iter < 40; iter++) {
    if (f1 < f2) {
      hi = m2;
      [m2, f2] = [m1, f1];
      m1 = hi - g * (hi - lo);
      f1 = nll(m1);
    } else {
      lo = m1;
      [m1, f1] = [m2, f2];
      m2 = lo + g * (hi - lo);
      f2 = nll(m2);
    }
  }
  return Math.exp((lo + hi) / 2);
}
