import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { diagnose, priorLoss } from "./diagnose.js";

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe("diagnose (the three pictures)", () => {
  const baseline = priorLoss([50, 50]); // ln 2

  it("sees overfitting when validation loss turns up while training loss falls", () => {
    const d = diagnose({ loss: range(30, (i) => 0.6 / (1 + i)), val_loss: range(30, (i) => 0.5 + 0.002 * (i - 8) ** 2) }, baseline);
    assert.equal(d.verdict, "overfitting");
    assert.equal(d.evidence.bestEpoch, 9);
    assert.match(d.hint, /dropout|L2/);
  });

  it("sees underfitting when the training loss stays near the know-nothing baseline", () => {
    const d = diagnose({ loss: range(20, () => 0.68), val_loss: range(20, () => 0.69) }, baseline);
    assert.equal(d.verdict, "underfitting");
    assert.match(d.hint, /units|layers/);
  });

  it("sees an unconverged model as underfitting too", () => {
    const d = diagnose({ loss: range(20, (i) => 0.5 - 0.015 * i), val_loss: range(20, (i) => 0.5 - 0.015 * i) }, baseline);
    assert.equal(d.verdict, "underfitting");
    assert.match(d.hint, /more epochs/);
  });

  it("calls levelled-off, close curves a good fit", () => {
    const d = diagnose({ loss: range(30, (i) => 0.3 + 0.3 * Math.exp(-i / 3)), val_loss: range(30, (i) => 0.32 + 0.3 * Math.exp(-i / 3)) }, baseline);
    assert.equal(d.verdict, "good_fit");
  });

  it("says so when there is nothing to read", () => {
    assert.equal(diagnose({ loss: [1, 0.9] }, baseline).verdict, "unknown");
  });

  it("computes the prior loss as the entropy of the class frequencies", () => {
    assert.ok(Math.abs(priorLoss([1, 1]) - Math.LN2) < 1e-12);
    assert.equal(priorLoss([5, 0]), 0);
  });
});
