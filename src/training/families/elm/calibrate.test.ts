import { it } from "node:test";
import assert from "node:assert/strict";
import { temperature } from "./calibrate.js";

/** The multiclass log loss of softmax(tau s) over the rows. */
function logLoss(scores: Float64Array, labels: Int32Array, k: number, tau: number): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = Array.from(scores.subarray(i * k, i * k + k), (s) => tau * s);
    const max = Math.max(...row);
    sum -= row[labels[i]!]! - max - Math.log(row.reduce((z, s) => z + Math.exp(s - max), 0));
  }
  return sum;
}

it("picks the temperature of least log loss, and a sharp one when the classes separate", () => {
  let seed = 9;
  const r = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const k = 4;
  const labels = Int32Array.from({ length: 2000 }, () => Math.floor(r() * k));
  for (const sharp of [0.3, 1, 5]) {
    const scores = Float64Array.from({ length: labels.length * k }, (_, j) => (j % k === labels[Math.floor(j / k)] ? sharp * r() : 0) + r() - 0.5);
    const tau = temperature(scores, labels, k);
    const best = logLoss(scores, labels, k, tau);
    for (const other of [tau * 1.01, tau / 1.01, 1]) assert.ok(best <= logLoss(scores, labels, k, other) + 1e-9, `sharpness ${sharp}: tau ${tau} vs ${other}`);
  }
  // Every row's label scores highest by a margin: the loss falls as tau grows (to the bound of 100),
  // ever more slowly; a temperature whose loss is within 0.001 of the bound's is as good.
  const separable = Float64Array.from({ length: labels.length * k }, (_, j) => (j % k === labels[Math.floor(j / k)] ? 1 : 0));
  const tau = temperature(separable, labels, k);
  assert.ok(tau > 10 && logLoss(separable, labels, k, tau) - logLoss(separable, labels, k, 100) < 1e-3, `tau ${tau}`);
});
