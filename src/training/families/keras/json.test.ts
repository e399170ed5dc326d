import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { normalizeKeras, setInputWidths } from "./json.js";
import { SpecError } from "../../spec/training-error.js";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../../test/fixtures/keras/${name}`, import.meta.url), "utf8"));
const layersOf = (t: ReturnType<typeof normalizeKeras>) => (t.json.config as { layers: Array<Record<string, any>> }).layers;

describe("normalizeKeras", () => {
  it("reads Keras 3: drops module/registered_name, DTypePolicy to its name, __keras_tensor__ inbound nodes to refs, batch_shape", () => {
    const t = normalizeKeras(fixture("titanic-two-inputs.keras3.json"));
    assert.equal(t.kerasVersion, 3);
    assert.equal(t.className, "Functional");
    assert.deepEqual(t.inputNames, ["numeric", "categorical"]);
    const dense = layersOf(t).find((l) => l.name === "num_dense")!;
    assert.equal(dense.config.dtype, "float32");
    assert.equal("module" in dense, false);
    assert.deepEqual(dense.inbound_nodes, [[["numeric", 0, 0, {}]]]);
    assert.deepEqual(dense.config.kernel_regularizer, { class_name: "L1L2", config: { l1: 0, l2: 0.0001 } });
    const input = layersOf(t).find((l) => l.name === "numeric")!;
    assert.deepEqual(input.config.batch_input_shape, [null, 4]);
  });

  it("reads the Keras <= 2.1 list config, a string, and a tfjs model.json's modelTopology", () => {
    const list = normalizeKeras(fixture("sequential-list.keras21.json"));
    assert.equal(list.className, "Sequential");
    assert.deepEqual(
      list.layers.map((l) => l.name),
      ["dense_1", "dropout_1", "dense_2"],
    );
    assert.equal(normalizeKeras(JSON.stringify(fixture("lecun.keras3.json"))).className, "Sequential");
    const wrapped = normalizeKeras({ model_config: fixture("sequential-list.keras21.json") });
    assert.equal(wrapped.layers.length, 3);
  });

  it("renames Lecun* initializers to tfjs's LeCun*", () => {
    const t = normalizeKeras(fixture("lecun.keras3.json"));
    const inits = layersOf(t)
      .filter((l) => l.config.kernel_initializer)
      .map((l) => l.config.kernel_initializer.class_name);
    assert.ok(inits.includes("LeCunNormal") && inits.includes("LeCunUniform"), inits.join(","));
  });

  it("normalizes nested models and shifts Keras 3 references to them past tfjs's internal node", () => {
    const t = normalizeKeras(fixture("nested.keras3.json"));
    const inner = layersOf(t).find((l) => l.name === "inner")!;
    assert.equal(inner.class_name, "Functional");
    assert.deepEqual(inner.config.input_layers, [["inner_in", 0, 0]]);
    assert.deepEqual(inner.inbound_nodes, [[["tower", 1, 0, {}]]], "tower is a nested model: its call is node 1 in tfjs");
    assert.deepEqual(layersOf(t).find((l) => l.name === "out")!.inbound_nodes, [[["inner", 1, 0, {}]]]);
  });

  it("refuses what is not a model JSON, naming where", () => {
    const bad = (raw: unknown, path: RegExp) =>
      assert.throws(
        () => normalizeKeras(raw),
        (e: unknown) => e instanceof SpecError && path.test(e.errors[0]!.path),
      );
    bad("{not json", /^model\.modelTopology$/);
    bad({ class_name: "Sequential", config: { layers: [] } }, /config\.layers$/);
    bad({ class_name: "Lambda", config: { layers: [{}] } }, /class_name$/);
    bad({ class_name: "Sequential", config: { layers: [{ class_name: "Dense" }] } }, /config\.layers\[0\]$/);
  });

  it("sets input widths from the dataset, warning where the JSON said otherwise", () => {
    const t = normalizeKeras(fixture("titanic-two-inputs.keras3.json"));
    const warnings = setInputWidths(
      t,
      new Map([
        ["numeric", 4],
        ["categorical", 11],
      ]),
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /"categorical" is 10 wide .* 11/);
    assert.deepEqual(layersOf(t).find((l) => l.name === "categorical")!.config.batch_input_shape, [null, 11]);
  });
});
