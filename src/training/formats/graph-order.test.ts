import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kerasLayerOrder, snakeCase } from "./graph-order.js";

describe("Keras 3 layer order and names", () => {
  it("orders a two-input graph as Keras 3 saved it (port before numbers)", () => {
    // The graph of a model Keras 3.15 saved: its config listed port, numbers, emb, h, flat, all, output.
    const layers = [
      { name: "numbers", inbound: [] },
      { name: "port", inbound: [] },
      { name: "h", inbound: ["numbers"] },
      { name: "emb", inbound: ["port"] },
      { name: "flat", inbound: ["emb"] },
      { name: "all", inbound: ["h", "flat"] },
      { name: "output", inbound: ["all"] },
    ];
    assert.deepEqual(kerasLayerOrder(layers, ["output"]), ["port", "numbers", "emb", "h", "flat", "all", "output"]);
  });

  it("snake-cases class names as keras.src.utils.naming does", () => {
    assert.equal(snakeCase("BatchNormalization"), "batch_normalization");
    assert.equal(snakeCase("InputLayer"), "input_layer");
    assert.equal(snakeCase("Dense"), "dense");
    assert.equal(snakeCase("LeakyReLU"), "leaky_re_lu");
  });
});
