import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { leadingBlock, solveRidge } from "./linalg.js";

describe("solveRidge", () => {
  it("solves a symmetric positive definite system", () => {
    // [[4, 1], [1, 3]] x = [1, 2] → x = [1/11, 7/11]
    const sol = solveRidge(Float64Array.from([4, 1, 1, 3]), 2, Float64Array.from([1, 2]), 1, 0)!;
    assert.ok(Math.abs(sol.x[0]! - 1 / 11) < 1e-12 && Math.abs(sol.x[1]! - 7 / 11) < 1e-12);
    assert.equal(sol.alpha, 0);
  });

  it("symmetrizes a slightly asymmetric matrix and raises alpha for a singular one", () => {
    const singular = Float64Array.from([1, 1, 1, 1]); // rank 1
    const sol = solveRidge(singular, 2, Float64Array.from([1, 1]), 1, 0)!;
    assert.ok(sol.alpha > 0, "alpha was raised");
    assert.ok(sol.x.every(Number.isFinite));
    assert.ok(Math.abs(sol.x[0]! - sol.x[1]!) < 1e-9, "the minimum-norm-like solution splits evenly");
  });

  it("takes leading blocks", () => {
    const a = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(Array.from(leadingBlock(a, 3, 2)), [1, 2, 4, 5]);
    assert.deepEqual(Array.from(leadingBlock(a, 3, 2, 3)), [1, 2, 3, 4, 5, 6]);
  });
});
