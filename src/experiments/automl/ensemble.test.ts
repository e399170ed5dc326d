import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { selectEnsemble, type Scoring } from "./ensemble.js";

const scoring: Scoring = { task: "classification", metric: "accuracy", labels: ["a", "b"], width: 2 };
/** Binary probabilities [1 - p, p] per row. */
const probs = (ps: number[]) => Float32Array.from(ps.flatMap((p) => [1 - p, p]));

describe("ensemble selection (Caruana et al. 2004)", () => {
  it("mixes models that are right on different rows: the mixture beats each alone", () => {
    // Truth: b b b a a a. A is sure and wrong on row 0; B is sure and wrong on row 5; C is
    // barely right on rows 0 and 5 and barely wrong on rows 1 and 4.
    const truth = Float64Array.of(1, 1, 1, 0, 0, 0);
    const A = { key: "A", values: probs([0.1, 0.9, 0.9, 0.1, 0.1, 0.1]) }; // 5/6
    const B = { key: "B", values: probs([0.9, 0.9, 0.9, 0.1, 0.1, 0.9]) }; // 5/6
    const C = { key: "C", values: probs([0.6, 0.4, 0.6, 0.4, 0.6, 0.4]) }; // 4/6
    const s = selectEnsemble([A, B, C], truth, scoring, 10);
    // (A + B) / 2 is right on every row but rows 0 and 5 (0.5, a tie argmax picks "a"): C breaks those.
    assert.ok(s.size >= 2 && s.size <= 10, `the best prefix of the 10 picks: ${s.size}`);
    assert.ok(Math.max(...s.trace) > 5 / 6, `ensemble accuracy ${s.trace}`);
    assert.ok(s.picks.length >= 2, `a mixture, not one model: ${JSON.stringify(s.picks)}`);
    assert.equal(
      s.picks.reduce((n, p) => n + p.count, 0),
      s.size,
    );
    // The ensemble's predictions are the picks' average.
    const w = new Map(s.picks.map((p) => [p.key, p.count / s.size]));
    const expect0 = [A, B, C].reduce((sum, c) => sum + (w.get(c.key) ?? 0) * c.values[1]!, 0);
    assert.ok(Math.abs(s.values[1]! - expect0) < 1e-6);
  });

  it("a dominant model is picked alone, and the same inputs give the same picks", () => {
    const truth = Float64Array.of(1, 0, 1, 0);
    const good = { key: "good", values: probs([0.9, 0.1, 0.8, 0.2]) };
    const bad = { key: "bad", values: probs([0.2, 0.8, 0.3, 0.7]) };
    const s = selectEnsemble([bad, good], truth, scoring, 5);
    assert.deepEqual(
      s.picks.map((p) => p.key),
      ["good"],
    );
    assert.deepEqual(selectEnsemble([bad, good], truth, scoring, 5), s);
  });

  it("regression: averages values and ranks by a lower-is-better metric", () => {
    const truth = Float64Array.of(1, 2, 3, 4);
    const over = { key: "over", values: Float32Array.of(2, 3, 4, 5) };
    const under = { key: "under", values: Float32Array.of(0, 1, 2, 3) };
    const s = selectEnsemble([over, under], truth, { task: "regression", metric: "rmse", labels: [], width: 1 }, 4);
    assert.deepEqual(
      s.picks.map((p) => p.count),
      [2, 2],
      "exact after 2 and after 4 picks: ties go to the longer prefix",
    );
    assert.deepEqual([...s.values], [1, 2, 3, 4]);
  });
});
