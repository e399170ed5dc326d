import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { foldSplit, kFolds, splitRows } from "./split.js";

describe("splitRows", () => {
  const labels = Array.from({ length: 200 }, (_, i) => (i < 180 ? 0 : 1)); // 10% minority

  it("splits 1,500,000 rows (no spread of a million indices into one call)", () => {
    const s = splitRows(1_500_000, { test: 0.2, validation: 0.1, seed: 7 });
    assert.deepEqual([s.train.length, s.validation.length, s.test.length], [1_050_000, 150_000, 300_000]);
  });

  it("keeps class proportions in every part when stratified", () => {
    const s = splitRows(200, { test: 0.2, validation: 0.1, seed: 7, strata: labels });
    const minority = (idx: number[]) => idx.filter((i) => labels[i] === 1).length;
    assert.equal(s.test.length, 40);
    assert.equal(minority(s.test), 4);
    assert.equal(minority(s.validation), 2);
    assert.equal(minority(s.train), 14);
  });

  it("uses every row exactly once", () => {
    const s = splitRows(200, { test: 0.25, validation: 0.15, seed: 1, strata: labels });
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 200 }, (_, i) => i),
    );
  });

  it("is reproducible by seed and changes with it", () => {
    const a = splitRows(100, { test: 0.2, validation: 0.1, seed: 3 });
    assert.deepEqual(splitRows(100, { test: 0.2, validation: 0.1, seed: 3 }), a);
    assert.notDeepEqual(splitRows(100, { test: 0.2, validation: 0.1, seed: 4 }).test, a.test);
  });

  it("deals k stratified folds that partition the rows", () => {
    const rows = Array.from({ length: 200 }, (_, i) => i);
    const folds = kFolds(rows, 5, 9, labels);
    assert.equal(folds.length, 5);
    assert.deepEqual(
      folds.flat().sort((a, b) => a - b),
      rows,
    );
    for (const f of folds) {
      assert.equal(f.length, 40);
      assert.equal(f.filter((i) => labels[i] === 1).length, 4);
    }
  });

  it("tests each fold once: the k test parts partition the rows and never meet their train part", () => {
    const tested: number[] = [];
    for (let index = 0; index < 5; index++) {
      const p = foldSplit(200, { index, of: 5 }, { validation: 0.1, seed: 9, strata: labels });
      assert.equal(p.test.length, 40);
      assert.equal(p.test.filter((i) => labels[i] === 1).length, 4, "stratified");
      const seen = new Set([...p.train, ...p.validation]);
      assert.equal(seen.size, 160);
      assert.ok(p.test.every((i) => !seen.has(i)));
      assert.equal(p.validation.length, 16, "validation is a fraction of the other folds");
      tested.push(...p.test);
    }
    assert.deepEqual(
      tested.sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i),
    );
  });
});
