import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkGraph, outputShape } from "./graph.js";
import { FunctionalSpecSchema } from "../families/functional/spec.js";

const spec = (nodes: unknown[], inputs: unknown[] = [{ name: "a" }, { name: "b" }], outputs = ["out"]) =>
  FunctionalSpecSchema.parse({ type: "functional", inputs, nodes, outputs });
const dense = (units: number) => ({ type: "dense", units });

describe("checkGraph", () => {
  it("infers every node's shape in topological order", () => {
    const { errors, shapes } = checkGraph(
      spec([
        { name: "out", layer: dense(2), inputs: ["m"] },
        { name: "m", layer: { type: "concatenate" }, inputs: ["ha", "hb"] },
        { name: "ha", layer: dense(4), inputs: ["a"] },
        { name: "hb", layer: dense(3), inputs: ["b"] },
      ]),
      new Map([
        ["a", 5],
        ["b", 7],
      ]),
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(Object.fromEntries(shapes), { a: [5], b: [7], ha: [4], hb: [3], m: [7], out: [2] });
  });

  it("reports duplicates, unknown names, arity, cycles, dangling nodes and unused inputs at the node", () => {
    const paths = (nodes: unknown[], inputs?: unknown[]) => checkGraph(spec(nodes, inputs)).errors.map((e) => `${e.path}: ${e.message}`);
    assert.match(
      paths([{ name: "out", layer: dense(1), inputs: ["nope"] }], [{ name: "a" }]).join("|"),
      /model\.nodes\[0\]\.inputs\[0\]: no input or node is named "nope"/,
    );
    assert.match(
      paths(
        [
          { name: "a", layer: dense(1), inputs: ["a"] },
          { name: "out", layer: dense(1), inputs: ["a"] },
        ],
        [{ name: "a" }],
      ).join("|"),
      /model\.nodes\[0\]\.name: "a" is already the name of model\.inputs\[0\]/,
    );
    assert.match(paths([{ name: "out", layer: { type: "add" }, inputs: ["a"] }], [{ name: "a" }]).join("|"), /add merges two or more inputs/);
    assert.match(paths([{ name: "out", layer: dense(1), inputs: ["a", "b"] }]).join("|"), /takes exactly one input/);
    const cycle = paths(
      [
        { name: "x", layer: dense(1), inputs: ["out"] },
        { name: "out", layer: dense(1), inputs: ["x"] },
      ],
      [{ name: "a" }],
    ).join("|");
    assert.match(cycle, /"x" is on a cycle/);
    const dangling = paths([
      { name: "side", layer: dense(1), inputs: ["a"] },
      { name: "out", layer: dense(1), inputs: ["a"] },
    ]).join("|");
    assert.match(dangling, /model\.nodes\[0\]: "side" does not lead to the output/);
    assert.match(dangling, /model\.inputs\[1\]: input "b" is not used/);
  });

  it("reports shape mismatches of merges and reshapes", () => {
    const { errors } = checkGraph(
      spec([
        { name: "ha", layer: dense(4), inputs: ["a"] },
        { name: "hb", layer: dense(3), inputs: ["b"] },
        { name: "out", layer: { type: "add" }, inputs: ["ha", "hb"] },
      ]),
      new Map([
        ["a", 5],
        ["b", 7],
      ]),
    );
    assert.equal(errors[0]!.path, "model.nodes[2]");
    assert.match(errors[0]!.message, /add needs inputs of one shape, got \[4\], \[3\]/);
    assert.match(String(outputShape({ type: "reshape", targetShape: [3, 3] }, [[8]])), /needs 9 values, its input has 8/);
  });
});
