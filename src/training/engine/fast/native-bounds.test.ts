import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nativeAddon } from "../native.js";

/**
 * The addon trusts nothing it is handed (issue 19): every index, length, element type and handle
 * is checked at the N-API boundary, and a bad one is a JavaScript error, never a read outside an array.
 */
describe("native addon: the N-API boundary", { skip: nativeAddon() ? false : "the native addon is not built (no OpenBLAS): nothing to check" }, () => {
  const lib = nativeAddon()!;
  /** A Dense op on node `from` (the model's input by default), its slots given per variable. */
  const dense = (input: number, units: number, extra: { kernel?: unknown; bias?: unknown; slots?: unknown[][]; [k: string]: unknown } = {}) => {
    const { kernel = new Float32Array(input * units), bias = new Float32Array(units), slots = [[], []], ...rest } = extra;
    return {
      kind: 0,
      inputs: [-1],
      width: units,
      activation: 0,
      params: [
        { value: kernel, slots: slots[0] },
        { value: bias, slots: slots[1] },
      ],
      ...rest,
    };
  };
  const spec = (extra: object = {}, ...ops: object[]) => ({
    inputs: [3],
    outUnits: 2,
    loss: 3,
    maxBatch: 4,
    seed: 1,
    optimizer: { type: 0 },
    ops: ops.length ? ops : [dense(3, 2)],
    ...extra,
  });
  const net = () => lib.create(spec());
  const x = [new Float32Array(5 * 3)],
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
    assert.throws(() => lib.trainBatch(h, [new Float64Array(15)] as never, y, null, Int32Array.from([0]), 0, 1, 0.1, out), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, x[0] as never, y, null, Int32Array.from([0]), 0, 1, 0.1, out), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, [...x, ...x], y, null, Int32Array.from([0]), 0, 1, 0.1, out), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, x, y, null, Float32Array.from([0]) as never, 0, 1, 0.1, out), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, x, y, new Float64Array(5) as never, Int32Array.from([0]), 0, 1, 0.1, out), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, x, y, null, Int32Array.from([0]), 0, 1, 0.1, new Float64Array(1)), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, x, y, null, Int32Array.from([0, 1]), 1, 2, 0.1, out), /bad arguments/);
    assert.throws(() => lib.trainBatch(h, x, y, null, Int32Array.from([0]), "0" as never, 1, 0.1, out), /bad arguments/);
    assert.throws(() => lib.evaluate(h, x, y, 6, out), /bad arguments/);
    assert.throws(() => lib.evaluate(h, x, y, 5, new Float32Array(4) as never), /bad arguments/);
  });

  it("refuses at creation a bias, kernel or optimizer slot of the wrong length, and unknown codes", () => {
    assert.throws(() => lib.create(spec({}, dense(3, 2, { bias: new Float32Array(1) }))), /params\[\]\.value/);
    assert.throws(() => lib.create(spec({}, dense(3, 2, { kernel: new Float32Array(5) }))), /params\[\]\.value/);
    assert.throws(() => lib.create(spec({}, dense(3, 2, { kernel: new Float64Array(6) }))), /params\[\]\.value/);
    // Adam reads two slots per variable: none given, or a short one, is refused (it was read past its end).
    assert.throws(() => lib.create(spec({ optimizer: { type: 2 } })), /slots/);
    const short = [
      [new Float32Array(6), new Float32Array(6)],
      [new Float32Array(2), new Float32Array(1)],
    ];
    assert.throws(() => lib.create(spec({ optimizer: { type: 2 } }, dense(3, 2, { slots: short }))), /slots/);
    const ok = [
      [new Float32Array(6), new Float32Array(6)],
      [new Float32Array(2), new Float32Array(2)],
    ];
    assert.ok(lib.create(spec({ optimizer: { type: 2 } }, dense(3, 2, { slots: ok }))));
    assert.throws(() => lib.create(spec({ loss: 9 })), /loss/);
    assert.throws(() => lib.create(spec({}, dense(3, 2, { activation: 99 }))), /activation/);
    assert.throws(() => lib.create(spec({}, dense(3, 2, { kind: 70 }))), /kind/);
  });

  it("refuses a graph that reads a later op, an input it does not have, or widths that do not add up", () => {
    assert.throws(() => lib.create(spec({}, dense(3, 2, { inputs: [0] }))), /an earlier op or a model input/);
    assert.throws(() => lib.create(spec({}, dense(3, 2, { inputs: [-2] }))), /an earlier op or a model input/);
    const concat = (width: number) => ({ kind: 7, inputs: [0, 1], width, activation: 0 });
    assert.throws(() => lib.create(spec({}, dense(3, 1), dense(3, 1), concat(3))), /concatenate/);
    assert.ok(lib.create(spec({}, dense(3, 1), dense(3, 1), concat(2))));
    const add = { kind: 8, inputs: [0, -1], width: 2, activation: 0 };
    assert.throws(() => lib.create(spec({}, dense(3, 2), add)), /merge/);
    const bn = { kind: 3, inputs: [0], width: 2, activation: 0, params: [{ value: new Float32Array(2) }, { value: new Float32Array(2) }] };
    assert.throws(() => lib.create(spec({}, dense(3, 2), bn)), /movingMean/);
  });

  it("throws for an embedding index outside its table instead of reading past it", () => {
    const embedding = { kind: 6, inputs: [-1], width: 3 * 2, activation: 0, vocab: 4, dim: 2, params: [{ value: new Float32Array(8) }] };
    const h = lib.create(spec({ outUnits: 2 }, embedding, dense(6, 2, { inputs: [0] })));
    const idx = [Float32Array.from([0, 1, 3, 2, 2, 1])];
    lib.trainBatch(h, idx, y, null, Int32Array.from([0, 1]), 0, 2, 0.1, out);
    assert.ok(Number.isFinite(out[0]));
    for (const bad of [4, -1, 1e9, NaN])
      assert.throws(() => lib.trainBatch(h, [Float32Array.from([0, 1, bad, 2, 2, 1])], y, null, Int32Array.from([0, 1]), 0, 2, 0.1, out), /embedding index/);
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
