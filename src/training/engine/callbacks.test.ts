import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EarlyStopping, ReduceLrOnPlateau } from "./callbacks.js";

const spec = { monitor: "val_loss", patience: 2, minDelta: 0, mode: "auto" as const, restoreBestWeights: true };

describe("EarlyStopping (Keras rule)", () => {
  it("stops after `patience` epochs without improvement and remembers the best epoch", () => {
    const es = new EarlyStopping(spec);
    const losses = [1.0, 0.8, 0.9, 0.85];
    const verdicts = losses.map((v, epoch) => es.update(epoch, { val_loss: v }));
    assert.deepEqual(
      verdicts.map((v) => v.stop),
      [false, false, false, true],
    );
    assert.equal(es.bestEpoch, 1);
  });

  it("maximizes accuracy in auto mode and accepts Keras's `val_accuracy` name", () => {
    const es = new EarlyStopping({ ...spec, monitor: "val_accuracy", patience: 1 });
    assert.equal(es.key, "val_acc");
    assert.equal(es.update(0, { val_acc: 0.5 }).improved, true);
    assert.equal(es.update(1, { val_acc: 0.7 }).improved, true);
    assert.equal(es.update(2, { val_acc: 0.6 }).stop, true);
  });

  it("counts an improvement smaller than minDelta as none", () => {
    const es = new EarlyStopping({ ...spec, minDelta: 0.1, patience: 1 });
    es.update(0, { val_loss: 1 });
    assert.deepEqual(es.update(1, { val_loss: 0.95 }), { improved: false, stop: true });
  });
});

describe("ReduceLrOnPlateau (Keras rule)", () => {
  const spec = { monitor: "val_loss", factor: 0.5, patience: 2, minDelta: 0, mode: "auto" as const, cooldown: 1, minLr: 0.01 };

  it("lowers the rate after `patience` flat epochs, then cools down, never below minLr", () => {
    const r = new ReduceLrOnPlateau(spec);
    const losses = [1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
    let lr = 0.08;
    const rates = losses.map((v, e) => (lr = r.update(e, { val_loss: v }, lr)));
    assert.deepEqual(rates, [0.08, 0.08, 0.08, 0.04, 0.04, 0.02, 0.02, 0.01, 0.01, 0.01]);
  });
});
