import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nativeAddon } from "../native.js";

/**
 * The addon trusts nothing it is handed (issue 19): every index, length, element type and handle
 * is checked at the N-API boundary, and a bad one is a JavaScript error, never a read outside an array.
 */
describe("native addon: the N-API boundary", { skip: nativeAddon() ? false : "the native addon is not built (no OpenBLAS): nothing to check" }, () => {
  const lib = nativeAddon()!;
  const dense = (input: number, units: number, extra: object = {}) => ({
    kind: 0,
    activation: 0,
    units,
    kernel: new Float32Array(input * units),
    bias: new Float32Array(units),
    slots: [],
    ...extra,
  });
  const spec = (extra: object = {}, op: object = dense(3, 2)) => ({
    input: 3,
    outUnits: 2,
    loss: 3,
    maxBatch: 4,
    seed: 1,
    optimizer: { type: 0 },
    ops: [op],
    ...extra,
  });
  const net = () => lib.create(spec());
  const x = new Float32Array(5 * 3),
    y = new Float32Array(5 * 2),
    out = new Float64Array(4);

  it("trains a batch of valid rows", () => {
    lib.trainBatch(net(), x, y, null, Int32Array.from([0, 4]), 0, 2, 0.1, out);
    assert.ok(Number.isFinite(out[0]!));
  });

  it("refuses an order index before or past the rows", () => {
    for (const order of [
      [-1, 0],
      [0, 5],
      [0, -2147483648],
    ]) {
      assert.throws(() => lib.trainBatch(net(), x, y, null, Int32Array.from(order), 0, 2, 0.1, out), /row out of range/, JSON.stringify(order));
    }
  });

  it("refuses arrays of the wrong element type or length, and a window past the order", () => {
    const h = net();
    assert.throws(() => lib.trainBatch(h, new Float64Array(15) as never, y, null, Int32Array.from([0]), 0, 1, 0.1, out), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, x, y, null, Float32Array.from([0]) as never, 0, 1, 0.1, out), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, x, y, new Float64Array(5) as never, Int32Array.from([0]), 0, 1, 0.1, out), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, x, y, null, Int32Array.from([0]), 0, 1, 0.1, new Float64Array(1)), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, x, y, null, Int32Array.from([0, 1]), 1, 2, 0.1, out), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, x, y, null, Int32Array.from([0]), "0" as never, 1, 0.1, out), /bad arguments/);
    assert.throws(() => lib.evaluate(h, x, y, 6, out), /bad arguments/);
    assert.throws(() => lib.evaluate(h, x, y, 5, new Float32Array(4) as never), /bad arguments/);
  });

  it("refuses at creation a bias, kernel or optimizer slot of the wrong length, and unknown codes", () => {
    assert.throws(() => lib.create(spec({}, dense(3, 2, { bias: new Float32Array(1) }))), /bias/);
    assert.throws(() => lib.create(spec({}, dense(3, 2, { kernel: new Float32Array(5) }))), /kernel/);
    assert.throws(() => lib.create(spec({}, dense(3, 2, { kernel: new Float64Array(6) }))), /kernel/);
    // Adam reads two slots per weight: none given, or a short one, is refused (it was read past its end).
    assert.throws(() => lib.create(spec({ optimizer: { type: 2 } })), /slots/);
    const short = [
      [new Float32Array(6), new Float32Array(2)],
      [new Float32Array(6), new Float32Array(1)],
    ];
    assert.throws(() => lib.create(spec({ optimizer: { type: 2 } }, dense(3, 2, { slots: short }))), /bias slot/);
    const ok = [
      [new Float32Array(6), new Float32Array(2)],
      [new Float32Array(6), new Float32Array(2)],
    ];
    assert.ok(lib.create(spec({ optimizer: { type: 2 } }, dense(3, 2, { slots: ok }))));
    assert.throws(() => lib.create(spec({ loss: 9 })), /loss/);
    assert.throws(() => lib.create(spec({}, dense(3, 2, { activation: 99 }))), /activation/);
    assert.throws(() => lib.create(spec({}, dense(3, 2, { kind: 7 }))), /kind/);
  });

  it("refuses anything but its own handle", () => {
    for (const h of [null, {}, 42, Buffer.alloc(8)]) {
      assert.throws(() => lib.iterations(h as never), /not a network/);
      assert.throws(() => lib.reseed(h as never, 1), /a network/);
      assert.throws(() => lib.trainBatch(h as never, x, y, null, Int32Array.from([0]), 0, 1, 0.1, out), /not a network/);
    }
    assert.equal(lib.iterations(net()), 0);
  });
});
