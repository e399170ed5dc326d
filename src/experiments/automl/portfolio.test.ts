import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AUTOML_ETA, promotions, type AutomlPoint } from "./portfolio.js";

const point = (i: number, rung = 0, resource = 17, promoted = false): AutomlPoint & { promoted?: boolean } => ({
  key: `mlp:${i}@rung${rung}`,
  name: `mlp ${i} [rung ${rung}: ${resource} epochs]`,
  family: "sequential",
  validation: 0.1,
  model: { type: "sequential", layers: [{ type: "dense", units: 8 }] },
  training: { epochs: resource },
  rungs: { base: `mlp:${i}`, baseName: `mlp ${i}`, rung, resource, full: 150 },
  promoted,
});

describe("AutoML's rungs (ASHA promotions)", () => {
  it("promotes the top third of a rung's finished candidates, with three times the epochs", () => {
    const rung0 = [0, 1, 2, 3, 4, 5].map((i) => point(i));
    // Ranks: 5 best, then 3, then 0...
    const rank = new Map([5, 3, 0, 1, 2, 4].map((i, r) => [`mlp:${i}@rung0`, r + 1]));
    const up = promotions(rung0, rank, 4);
    assert.equal(AUTOML_ETA, 3);
    assert.deepEqual(
      up.map((p) => p.key),
      ["mlp:5@rung1", "mlp:3@rung1"],
    );
    assert.equal((up[0]!.training as { epochs: number }).epochs, 51);
    assert.equal(up[0]!.rungs!.rung, 1);
    assert.equal(up[0]!.name, "mlp 5 [rung 1: 51 epochs]");
  });

  it("waits for finished candidates, skips promoted ones, never goes past the full resource", () => {
    const rung0 = [0, 1, 2].map((i) => point(i, 0, 17, i === 0));
    const rank = new Map([
      ["mlp:0@rung0", 1],
      ["mlp:1@rung0", 2],
    ]);
    assert.deepEqual(promotions(rung0, rank, 4), [], "two finished: the top third of two is none");
    rank.set("mlp:2@rung0", 3);
    assert.deepEqual(promotions(rung0, rank, 4), [], "the best is promoted already");
    const top = [point(7, 2, 140)];
    const up = promotions(top, new Map([["mlp:7@rung2", 1]]), 4);
    assert.deepEqual(up, [], "one finished at its rung: nothing to halve");
    const three = [7, 8, 9].map((i) => point(i, 2, 100));
    const last = promotions(three, new Map(three.map((p, r) => [p.key, r + 1])), 4);
    assert.equal((last[0]!.training as { epochs: number }).epochs, 150, "capped at its own 150 epochs");
  });
});
