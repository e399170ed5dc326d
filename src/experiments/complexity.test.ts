import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { complexityChoices as choices, complexityOf, type ComplexityTrial } from "./complexity.js";

/** A grid over units x learning rate, 3 folds each: training accuracy rises with units, validation peaks at 64. */
function grid(): ComplexityTrial[] {
  const units = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
  const valid = [0.62, 0.7, 0.76, 0.8, 0.815, 0.82, 0.81, 0.79, 0.77, 0.75];
  const train = [0.63, 0.72, 0.79, 0.84, 0.88, 0.91, 0.94, 0.97, 0.99, 1.0];
  const out: ComplexityTrial[] = [];
  units.forEach((u, i) => {
    for (const lr of [0.001, 0.01]) {
      for (let fold = 0; fold < 3; fold++) {
        const jitter = (fold - 1) * 0.01;
        const worse = lr === 0.001 ? 0.02 : 0; // the other dimension: the best point has lr 0.01
        out.push({
          key: `${u}-${lr}`,
          name: `units=${u} learningRate=${lr}`,
          status: "succeeded",
          params: { layers: [u], learningRate: lr },
          metrics: { test: { accuracy: valid[i]! - worse + jitter }, train: { accuracy: train[i]! - worse } },
          parameters: 10 * u + 3 * u + 3,
        });
      }
    }
  });
  return out;
}

describe("complexity graph", () => {
  it("picks the dimension that moves the parameter count, holds the others at the best point, and names the peak and the 1-SE choice", () => {
    const c = complexityOf(grid(), { metric: "accuracy", selectOn: "test" })!;
    assert.equal(c.by, "layers", "units change the parameters; the learning rate does not");
    assert.equal(c.slice, "the other dimensions at the best point's values");
    assert.deepEqual(
      c.points.map((p) => p.value),
      [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    );
    assert.equal(c.points[0]!.folds, 3);
    assert.ok(Math.abs(c.points[5]!.validation!.mean - 0.82) < 1e-9);
    assert.equal(c.peak, 64);
    // Fold spread 0.01 over 3 folds: SE = 0.01 / sqrt(3) = 0.00577; 32's 0.815 is within it of 0.82.
    assert.ok(Math.abs(c.standardError! - 0.01 / Math.sqrt(3)) < 1e-9);
    assert.equal(c.oneStandardError, 32);
    assert.ok(c.oneStandardError! <= c.peak!);
    assert.deepEqual(c.underfit, { from: 2, to: 8 }, "training no better than the best validation score (16 trains to 0.84)");
    assert.deepEqual(c.overfit, { from: 128, to: 1024 }, "training still rising, validation fallen past one SE");
    assert.equal(c.logScale, true, "2 to 1024 spans decades");
  });

  it("draws along the named dimension, and with no line through the best point takes each value's best", () => {
    const c = complexityOf(grid(), { metric: "accuracy", selectOn: "test", by: "learningRate" });
    assert.equal(c, undefined, "two learning rates are not a graph (3 values at least)");
    // As a random search leaves it: the best point (64 at 0.01) shares its learning rate with one other point only.
    const random = grid().filter((t) => (t.params!.learningRate === 0.01) === [64, 128].includes((t.params!.layers as number[])[0]!));
    const r = complexityOf(random, { metric: "accuracy", selectOn: "test" })!;
    assert.equal(r.slice, "the best point of each value");
    assert.equal(r.points.length, 10);
    assert.equal(r.peak, 64);
  });

  it("for a loss, lower is better, and without folds the peak is the choice", () => {
    const points = [1, 10, 100].map((value, i) => ({
      value,
      parameters: value,
      name: String(value),
      folds: 1,
      train: { mean: [0.5, 0.2, 0.01][i]!, std: 0 },
      validation: { mean: [0.6, 0.3, 0.45][i]!, std: 0 },
    }));
    const c = choices(points, true);
    assert.equal(c.peak, 10);
    assert.equal(c.oneStandardError, 10);
    assert.deepEqual(c.overfit, { from: 100, to: 100 });
    assert.match(c.note, /one split/);
  });
});
