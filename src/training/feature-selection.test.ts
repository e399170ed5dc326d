import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { anovaF, mutualInformation, quantileBins, regressionF } from "./feature-selection.js";

describe("feature scores", () => {
  it("ANOVA F as worked by hand: groups {1,2,3} and {4,5,6}", () => {
    // Grand mean 3.5; between = 3 (2 - 3.5)^2 + 3 (5 - 3.5)^2 = 13.5 on 1 df; within = 2 + 2 = 4 on 4 df: F = 13.5.
    assert.equal(anovaF([1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 1, 1], 2), 13.5);
    assert.equal(anovaF([1, 1, 1, 1], [0, 0, 1, 1], 2), 0, "a constant column says nothing");
  });

  it("regression F from r: F = r^2 / (1 - r^2) (n - 2)", () => {
    const x = [1, 2, 3, 4, 5];
    const y = [2, 1, 4, 3, 5]; // r = 0.8
    assert.ok(Math.abs(regressionF(x, y) - (0.64 / 0.36) * 3) < 1e-9);
    assert.equal(regressionF(x, [7, 7, 7, 7, 7]), 0);
  });

  it("mutual information: 0 for independent codes, ln 2 for a copy of a fair coin", () => {
    assert.ok(Math.abs(mutualInformation([0, 1, 0, 1], [0, 1, 0, 1]) - Math.log(2)) < 1e-12);
    assert.ok(Math.abs(mutualInformation([0, 0, 1, 1], [0, 1, 0, 1])) < 1e-12);
  });

  it("bins numbers into equal-frequency codes", () => {
    assert.deepEqual(Array.from(quantileBins([5, 1, 3, 2, 4, 6], 3)), [2, 0, 1, 0, 1, 2]);
  });
});
