import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { meanStd, pairedFolds, studentTwoSided } from "./stats.js";

describe("experiment statistics", () => {
  it("gives Student's t p-values of the tables", () => {
    // Two-sided critical values at 5%: t(4) = 2.776, t(9) = 2.262, t(1) = 12.706.
    assert.ok(Math.abs(studentTwoSided(2.776, 4) - 0.05) < 5e-4);
    assert.ok(Math.abs(studentTwoSided(2.262, 9) - 0.05) < 5e-4);
    assert.ok(Math.abs(studentTwoSided(12.706, 1) - 0.05) < 5e-4);
    assert.equal(studentTwoSided(0, 5), 1);
  });

  it("uses the population standard deviation (numpy's default), as a job's CV report does", () => {
    assert.deepEqual(meanStd([1, 2, 3, 4]), { mean: 2.5, std: Math.sqrt(5 / 4) }); // population std, as numpy
  });

  it("inflates the paired variance for overlapping folds (Nadeau & Bengio)", () => {
    const a = [0.9, 0.92, 0.88, 0.91, 0.9];
    const b = [0.85, 0.9, 0.86, 0.87, 0.86];
    const r = pairedFolds(a, b, 0.2);
    const d = a.map((v, i) => v - b[i]!);
    const { mean } = meanStd(d);
    const std = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / 4); // the test's sample std (n - 1)
    assert.ok(Math.abs(r.difference - 0.034) < 1e-12);
    assert.ok(Math.abs(r.t - mean / Math.sqrt((1 / 5 + 0.25) * std * std)) < 1e-9);
    const naive = studentTwoSided(mean / (std / Math.sqrt(5)), 4);
    assert.ok(r.pValue > naive, `the corrected test is more careful than the naive one (${r.pValue} vs ${naive})`);
    assert.ok(r.pValue > 0.01 && r.pValue < 0.1, `p ${r.pValue}`);
  });
});
