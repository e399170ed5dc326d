/**
 * Turns least-squares scores into probabilities. Binary: Platt scaling, P = sigmoid(a s + c)
 * fitted by Newton's method on the log loss (Platt 1999). Multiclass: one temperature,
 * P = softmax(tau s), chosen by Newton's method on the log loss (Guo et al. 2017).
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
  // The log loss of softmax(tau s) is convex in tau: its derivative is the sum over rows of
  // E_p[s] - s_label, its second derivative the sum of Var_p[s] (Guo et al. 2017, as a 1-D
  // Newton problem). One pass over the scores per step; a handful of steps instead of the ~40
  // loss evaluations a golden-section search takes.
  const [lo, hi] = [0.1, 100];
  let tau = 1;
  for (let iter = 0; iter < 50; iter++) {
    let g = 0,
      h = 0;
    for (let i = 0; i < labels.length; i++) {
      const row = i * k;
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, scores[row + c]!);
      let z = 0,
        m1 = 0,
        m2 = 0;
      for (let c = 0; c < k; c++) {
        const s = scores[row + c]!;
        const e = Math.exp(tau * (s - max));
        z += e;
        m1 += e * s;
        m2 += e * s * s;
      }
      const mean = m1 / z;
      g += mean - scores[row + labels[i]!]!;
      h += Math.max(m2 / z - mean * mean, 0);
    }
    // At a bound with the slope pointing out (separable classes push tau up), the bound is the optimum.
    if ((tau === hi && g < 0) || (tau === lo && g > 0)) break;
    const next = Math.min(hi, Math.max(lo, h > 1e-12 ? tau - g / h : g < 0 ? hi : lo));
    const moved = Math.abs(next - tau);
    tau = next;
    if (moved <= 1e-10 * tau) break;
  }
  return tau;
}
