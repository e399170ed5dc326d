import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { anovaF, mutualInformation, quantileBins, regressionF, scoreFeatures } from "./feature-selection.js";
import { rowsOf } from "../data/encoding.js";
import type { Selected } from "../data/parts.js";
import type { ResolvedColumns } from "../data/columns.js";
import { SINGLE_INPUT } from "../spec/graph.js";
import { mulberry32 } from "../engine/rng.js";
import { DEFAULT_PREPROCESSING } from "../spec/preprocessing.js";

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

  it("scores a categorical column as its best one-hot indicator would, for classes and for a numeric target", () => {
    const colors = ["red", "green", "blue", "red", "blue", "red", "green", "green", "blue", "red"];
    const truth = Float64Array.from([0, 1, 2, 0, 2, 1, 1, 0, 2, 0]);
    const values = Float64Array.from([1.5, 2, 3.5, 1, 4, 2.5, 2, 1, 3, 1.2]);
    const resolved: ResolvedColumns = {
      task: "classification",
      features: [{ name: "color", type: "categorical" }],
      groups: [{ name: SINGLE_INPUT, columns: ["color"], encoding: "onehot" }],
      targetType: "categorical",
      warnings: [],
    };
    const rows = rowsOf(colors.map((color) => ({ color })));
    const all = colors.map((_, i) => i);
    const indicator = (c: string) => colors.map((x) => (x === c ? 1 : 0));
    const cls: Selected = { task: "classification", target: "y", rows, truth, labels: ["a", "b", "c"], warnings: [] };
    const reg: Selected = { task: "regression", target: "y", rows, truth: values, labels: [], warnings: [] };
    const bestF = (f: (x: number[]) => number) => Math.max(...["red", "green", "blue"].map((c) => f(indicator(c))));
    const [byClass] = scoreFeatures(cls, resolved, all, "anova");
    assert.ok(Math.abs(byClass!.score - bestF((x) => anovaF(x, truth, 3))) < 1e-9, `classes: ${byClass!.score}`);
    const [byValue] = scoreFeatures(reg, resolved, all, "anova");
    assert.ok(Math.abs(byValue!.score - bestF((x) => regressionF(x, values))) < 1e-9, `regression: ${byValue!.score}`);
  });

  it("takes a million codes (no spread of the whole array onto the stack)", () => {
    const a = Int32Array.from({ length: 1_000_000 }, (_, i) => i % 7);
    assert.ok(mutualInformation(a, a) > 1.9);
  });

  it("scores by a fitted model: l1 zeroes the noise, permutation finds what the forest relies on", () => {
    const random = mulberry32(11);
    const n = 600;
    const data = Array.from({ length: n }, () => ({
      signal: random() * 2 - 1,
      weak: random() * 2 - 1,
      noise: random() * 2 - 1,
      shade: ["a", "b", "c"][Math.floor(random() * 3)]!,
    }));
    const truth = Float64Array.from(data, (r) => (r.signal + 0.3 * r.weak > 0 ? 1 : 0));
    const names = ["signal", "weak", "noise", "shade"];
    const resolved: ResolvedColumns = {
      task: "classification",
      targetType: "categorical",
      warnings: [],
      features: names.map((name) => ({ name, type: name === "shade" ? "categorical" : "numeric" })),
      groups: [{ name: SINGLE_INPUT, columns: names, encoding: "onehot" }],
    };
    const sel: Selected = { task: "classification", target: "y", rows: rowsOf(data), truth, labels: ["0", "1"], warnings: [] };
    const all = data.map((_, i) => i);
    const fitting = { preprocessing: DEFAULT_PREPROCESSING, seed: 3 };
    const l1 = Object.fromEntries(scoreFeatures(sel, resolved, all, "l1", fitting).map((s) => [s.name, s.score]));
    assert.ok(l1.signal! > l1.weak! && l1.weak! > 5 * Math.max(l1.noise!, l1.shade!, 0.01), JSON.stringify(l1));
    const perm = Object.fromEntries(scoreFeatures(sel, resolved, all, "permutation", fitting).map((s) => [s.name, s.score]));
    assert.ok(perm.signal! > 0.2, JSON.stringify(perm));
    assert.ok(perm.signal! > perm.weak! && perm.weak! > Math.max(perm.noise!, perm.shade!), JSON.stringify(perm));
    assert.ok(Math.abs(perm.noise!) < 0.05 && Math.abs(perm.shade!) < 0.05, JSON.stringify(perm));
  });
});
