import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FAMILIES, familyOf, ModelSpecSchema } from "./index.js";

const examples = {
  sequential: { type: "sequential", layers: [{ type: "dense", units: 4 }] },
  functional: { type: "functional", inputs: [{ name: "a", width: 3 }], nodes: [{ name: "h", layer: { type: "dense", units: 2 }, inputs: ["a"] }], outputs: ["h"] },
  keras: { type: "keras", modelTopology: { class_name: "Sequential", config: { layers: [{ class_name: "Dense", config: { name: "d", units: 2, batch_input_shape: [null, 3] } }] } } },
  elm: { type: "elm", hiddenUnits: { search: [5, 10] } },
} as const;

describe("model families", () => {
  it("registers one family per spec type, and the spec union is exactly theirs", () => {
    assert.deepEqual(Object.keys(FAMILIES).sort(), Object.keys(examples).sort());
    for (const [type, family] of Object.entries(FAMILIES)) assert.equal(family.type, type);
    assert.equal(ModelSpecSchema.safeParse({ type: "svm" }).success, false);
  });

  it("each family answers for its own specs: inputs, layers, declared widths, steps, checks", () => {
    for (const [type, raw] of Object.entries(examples)) {
      const spec = ModelSpecSchema.parse(raw);
      const family = familyOf(spec);
      assert.equal(family.type, type);
      assert.ok(family.inputs(spec).length >= 1, `${type} inputs`);
      assert.ok(family.layers(spec).length >= 1, `${type} layers`);
      const errors: Array<{ path: string; message: string }> = [];
      const widths = family.declaredWidths(spec, 3, errors);
      assert.deepEqual(errors, [], `${type} declared widths`);
      assert.ok(widths.every((w) => w.width === 3), `${type}: ${JSON.stringify(widths)}`);
    }
    const elm = ModelSpecSchema.parse(examples.elm);
    assert.equal(familyOf(elm).plannedSteps?.(elm), 2, "an ELM's steps are its candidate sizes");
    assert.deepEqual(familyOf(elm).checkRequest?.({ training: { loss: "mse" } }).map((e) => e.path), ["training.loss"]);
    assert.equal(familyOf(ModelSpecSchema.parse(examples.sequential)).plannedSteps, undefined, "networks count epochs");
  });
});
