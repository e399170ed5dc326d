import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { classificationMetrics, regressionMetrics, rocAuc } from "./metrics.js";

describe("metrics", () => {
  it("computes accuracy, log loss and a confusion matrix with label names", () => {
    // 3 rows, 2 classes: right, right, wrong.
    const probs = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4]);
    const m = classificationMetrics(probs, Float64Array.from([0, 1, 1]), ["no", "yes"]);
    assert.ok(Math.abs(m.accuracy - 2 / 3) < 1e-12);
    const expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3;
    assert.ok(Math.abs(m.loss - expected) < 1e-6);
    assert.deepEqual(m.confusionMatrix, {
      labels: ["no", "yes"],
      matrix: [
        [1, 0],
        [1, 1],
      ],
    });
    assert.equal(m.perClass[1]!.recall, 0.5);
    assert.equal(m.perClass[1]!.precision, 1);
  });

  it("computes balanced accuracy, weighted F1 and ROC AUC for binary", () => {
    // 4 negatives, 1 positive; the positive scores above 3 of the 4 negatives.
    const p1 = [0.1, 0.2, 0.3, 0.9, 0.6];
    const probs = Float32Array.from(p1.flatMap((p) => [1 - p, p]));
    const m = classificationMetrics(probs, Float64Array.from([0, 0, 0, 0, 1]), ["0", "1"]);
    assert.ok(Math.abs(m.rocAuc! - 0.75) < 1e-9);
    assert.equal(m.accuracy, 0.8);
    assert.equal(m.balancedAccuracy, (3 / 4 + 1) / 2);
    assert.ok(Math.abs(m.weightedF1 - (4 * ((2 * 1 * 0.75) / 1.75) + 1 * ((2 * 0.5 * 1) / 1.5)) / 5) < 1e-9);
  });

  it("averages tied ranks in ROC AUC", () => {
    assert.equal(rocAuc(Float64Array.from([0.5, 0.5]), Float64Array.from([0, 1])), 0.5);
    assert.ok(Number.isNaN(rocAuc(Float64Array.from([0.5]), Float64Array.from([1]))));
  });

  it("computes MSE, MAE and R² for regression", () => {
    const m = regressionMetrics(Float32Array.from([1, 2, 3]), Float64Array.from([1, 2, 5]));
    assert.ok(Math.abs(m.mse - 4 / 3) < 1e-9);
    assert.ok(Math.abs(m.mae - 2 / 3) < 1e-9);
    const mean = 8 / 3;
    const ss = (1 - mean) ** 2 + (2 - mean) ** 2 + (5 - mean) ** 2;
    assert.ok(Math.abs(m.r2 - (1 - 4 / ss)) < 1e-9);
  });
});
