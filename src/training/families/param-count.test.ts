import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { initBackend } from "../engine/backend.js";
import { describeNetwork } from "../job/describe-network.js";
import { familyOf } from "./index.js";
import { summarize } from "../formats/tfjs.js";
import { normalizeKeras } from "./keras/json.js";
import { countSpecParams } from "../job/limits.js";
import type { DimLimits } from "../spec/param-count.js";
import type { InputGroup } from "../data/encoding.js";
import { ModelSpecSchema, type ModelSpec } from "./index.js";
import type { NetworkContext } from "../spec/network-context.js";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../test/fixtures/keras/${name}`, import.meta.url), "utf8"));
const dims: DimLimits = { maxUnits: 8192, maxInputWidth: 65536 };
const group = (name: string, width: number, extra: Partial<InputGroup> = {}): InputGroup => ({
  name,
  columns: [],
  encoding: "onehot",
  start: 0,
  width,
  ...extra,
});

/**
 * The spec's arithmetic count, and tfjs's countParams() of the network built from it; the summary
 * the API gives from the spec's shapes alone (names, classes, order, shapes, counts, output mode)
 * must be the built network's.
 */
async function both(raw: unknown, groups: InputGroup[], ctx: NetworkContext) {
  const spec = ModelSpecSchema.parse(raw) as ModelSpec;
  const counted = countSpecParams(spec, groups, ctx, dims);
  assert.deepEqual(counted.errors, []);
  const network = await familyOf(spec).build(spec, groups, ctx);
  const built = summarize(network.model);
  network.model.dispose();
  const described = await describeNetwork(spec, groups, ctx);
  assert.deepEqual(described.summary, built, `summary from shapes: ${JSON.stringify(raw).slice(0, 200)}`);
  assert.equal(described.outputMode, network.plan.mode);
  assert.deepEqual(described.warnings, network.warnings);
  return { counted: counted.params, built: built.totalParams };
}

describe("parameter counts from the spec alone", () => {
  before(() => initBackend("cpu"));
  const binary: NetworkContext = { task: "classification", classes: 2, seed: 1 };
  const three: NetworkContext = { task: "classification", classes: 3, seed: 1 };

  it("matches tfjs for sequential stacks of every layer kind, with and without an appended head", async () => {
    const specs = [
      { type: "sequential", layers: [] },
      {
        type: "sequential",
        layers: [
          { type: "dense", units: 32, activation: "leakyRelu" },
          { type: "batchNormalization" },
          { type: "dropout", rate: 0.2 },
          { type: "dense", units: 7, useBias: false },
          { type: "layerNormalization" },
        ],
      },
      {
        type: "sequential",
        layers: [
          { type: "dense", units: 12 },
          { type: "reshape", targetShape: [3, 4] },
          { type: "dense", units: 5 },
          { type: "flatten" },
          { type: "gaussianNoise", stddev: 0.1 },
          { type: "batchNormalization", center: false },
        ],
      },
      { type: "sequential", layers: [{ type: "dense", units: 3, activation: "softmax" }] },
    ];
    for (const spec of specs) {
      for (const ctx of [binary, three, { task: "regression", classes: 0, seed: 1 } as NetworkContext]) {
        const { counted, built } = await both(spec, [group("input", 13)], ctx);
        assert.equal(counted, built, `${JSON.stringify(spec)} ${ctx.task}/${ctx.classes}`);
      }
    }
  });

  it("matches tfjs for a functional graph with an embedding and merges", async () => {
    const spec = {
      type: "functional",
      inputs: [{ name: "numbers" }, { name: "port", encoding: "index" }],
      nodes: [
        { name: "h", layer: { type: "dense", units: 16, activation: "relu" }, inputs: ["numbers"] },
        { name: "emb", layer: { type: "embedding", outputDim: 3 }, inputs: ["port"] },
        { name: "flat", layer: { type: "flatten" }, inputs: ["emb"] },
        { name: "all", layer: { type: "concatenate" }, inputs: ["h", "flat"] },
        { name: "bn", layer: { type: "batchNormalization" }, inputs: ["all"] },
      ],
      outputs: ["bn"],
    };
    const { counted, built } = await both(spec, [group("numbers", 6), group("port", 1, { encoding: "index", vocabulary: 5 })], three);
    assert.equal(counted, built);
  });

  it("matches tfjs for ELMs (sigmoid, stacked, RBF and sine nodes)", async () => {
    for (const spec of [
      { type: "elm", hiddenUnits: 50 },
      { type: "elm", hiddenUnits: { search: [10, 40] }, layers: [{ units: 20, activation: "relu" }] },
      { type: "elm", hiddenUnits: 30, activation: "rbf" },
      { type: "elm", hiddenUnits: 30, activation: "sine" },
    ]) {
      for (const ctx of [binary, three]) {
        const { counted, built } = await both(spec, [group("input", 9)], ctx);
        assert.equal(counted, built, JSON.stringify(spec));
      }
    }
  });

  it("matches Keras's own counts for real model.to_json() files, nested models included", async () => {
    // Keras 3 count_params() printed by make-keras3-fixtures.py; the output layer fits the target, so no head.
    const cases: Array<[string, number, InputGroup[]]> = [
      ["nested.keras3.json", 217, [group("features", 8)]],
      ["seq-in-seq.keras3.json", 83, [group("input", 8)]],
      ["lecun.keras3.json", 193, [group("input", 8)]],
      ["sequential-list.keras21.json", 121, [group("input", 8)]],
      ["titanic-two-inputs.keras3.json", 257, [group("numeric", 4), group("categorical", 10)]],
    ];
    for (const [name, keras, groups] of cases) {
      const ctx = name.startsWith("seq-in-seq") ? three : binary;
      const { counted, built } = await both({ type: "keras", modelTopology: fixture(name) }, groups, ctx);
      assert.equal(counted, keras, `${name}: counted`);
      assert.equal(built, keras, `${name}: built by tfjs`);
    }
  });

  it("refuses image and sequence layers with the input rank they need, at the layer's path", () => {
    for (const [name, layer, rank] of [
      ["conv.keras3.json", "Conv2D", 4],
      ["lstm.keras3.json", "LSTM", 3],
    ] as const) {
      const spec = ModelSpecSchema.parse({ type: "keras", modelTopology: fixture(name) });
      const keras = normalizeKeras((spec as { modelTopology: unknown }).modelTopology);
      const { errors } = countSpecParams(spec, [group(keras.inputNames[0]!, 784)], binary, dims);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.match(errors[0]!.path, /^model\.modelTopology\.config\.layers\[\d\]$/);
      assert.match(errors[0]!.message, new RegExp(`\\(${layer}\\): needs input of rank ${rank} .*datasets here are tables`));
    }
  });

  it("counts a hostile spec without building it and reports every oversized dimension", () => {
    const huge = ModelSpecSchema.parse({ type: "sequential", layers: Array.from({ length: 4 }, () => ({ type: "dense", units: 8192 })) });
    const { params, errors } = countSpecParams(huge, [group("input", 8192)], binary, dims);
    assert.equal(params, 4 * (8192 * 8192 + 8192) + 8193);
    assert.deepEqual(errors, []);
    const wide = ModelSpecSchema.parse({
      type: "functional",
      inputs: [{ name: "c", encoding: "index" }],
      nodes: [
        { name: "e", layer: { type: "embedding", inputDim: 10_000_000, outputDim: 100_000 }, inputs: ["c"] },
        { name: "f", layer: { type: "flatten" }, inputs: ["e"] },
      ],
      outputs: ["f"],
    });
    const over = countSpecParams(wide, [group("c", 1, { encoding: "index", vocabulary: 4 }), group("x", 100_000)], binary, dims);
    assert.deepEqual(over.errors.map((e) => e.path).sort(), ["inputWidth", "model.nodes[0].layer.inputDim", "model.nodes[0].layer.outputDim"]);
  });
});
