import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FAMILIES, familyOf, ModelSpecSchema, upgradeSpec } from "./index.js";
import { encodeClassic } from "../train/classic/artifact.js";

const examples = {
  sequential: { type: "sequential", layers: [{ type: "dense", units: 4 }] },
  functional: {
    type: "functional",
    inputs: [{ name: "a", width: 3 }],
    nodes: [{ name: "h", layer: { type: "dense", units: 2 }, inputs: ["a"] }],
    outputs: ["h"],
  },
  keras: {
    type: "keras",
    modelTopology: { class_name: "Sequential", config: { layers: [{ class_name: "Dense", config: { name: "d", units: 2, batch_input_shape: [null, 3] } }] } },
  },
  elm: { type: "elm", hiddenUnits: { search: [5, 10] } },
  svm: { type: "svm", C: 10 },
  logisticRegression: { type: "logisticRegression", penalty: "l1" },
  knn: { type: "knn", k: 3 },
  decisionTree: { type: "decisionTree", maxDepth: 4 },
  randomForest: { type: "randomForest", trees: 10 },
  xgboost: { type: "xgboost", nEstimators: 50 },
  naiveBayes: { type: "naiveBayes" },
  majority: { type: "majority" },
} as const;

/** Families with layers to count against MAX_LAYERS / MAX_UNITS (baselines have none). */
const LAYERED = new Set(["sequential", "functional", "keras", "elm"]);

describe("model families", () => {
  it("registers one family per spec type, and the spec union is exactly theirs", () => {
    assert.deepEqual(Object.keys(FAMILIES).sort(), Object.keys(examples).sort());
    for (const [type, family] of Object.entries(FAMILIES)) assert.equal(family.type, type);
    assert.equal(ModelSpecSchema.safeParse({ type: "lightgbm" }).success, false);
  });

  it("each family answers for its own specs: inputs, layers, declared widths, steps, checks", () => {
    for (const [type, raw] of Object.entries(examples)) {
      const spec = ModelSpecSchema.parse(raw);
      const family = familyOf(spec);
      assert.equal(family.type, type);
      assert.ok(family.inputs(spec).length >= 1, `${type} inputs`);
      assert.equal(family.layers(spec).length >= 1, LAYERED.has(type), `${type} layers`);
      const errors: Array<{ path: string; message: string }> = [];
      const widths = family.declaredWidths(spec, 3, errors);
      assert.deepEqual(errors, [], `${type} declared widths`);
      assert.ok(
        widths.every((w) => w.width === 3),
        `${type}: ${JSON.stringify(widths)}`,
      );
    }
    const elm = ModelSpecSchema.parse(examples.elm);
    assert.equal(familyOf(elm).plannedSteps?.(elm), 2, "an ELM's steps are its candidate sizes");
    const boosted = ModelSpecSchema.parse(examples.xgboost);
    assert.equal(familyOf(boosted).plannedSteps?.(boosted), 50, "a booster's steps are its rounds");
    assert.deepEqual(
      familyOf(elm)
        .checkRequest?.({ training: { loss: "mse" } })
        .map((e) => e.path),
      ["training.loss"],
    );
    assert.equal(familyOf(ModelSpecSchema.parse(examples.sequential)).plannedSteps, undefined, "networks count epochs");
    const forest = ModelSpecSchema.parse(examples.randomForest);
    assert.equal(familyOf(forest).plannedSteps?.(forest), 1, "a baseline trains in one step");
    assert.deepEqual(
      familyOf(forest)
        .checkRequest?.({ crossValidation: { folds: 3 } })
        .map((e) => e.path),
      ["crossValidation"],
    );
    assert.equal(familyOf(ModelSpecSchema.parse(examples.svm)).keepsRows, true);
  });
});

describe("upgradeSpec", () => {
  const families = {
    a: {
      upgrades: [
        (s: Record<string, unknown>) => ({ ...s, specVersion: 2, renamed: s.old }),
        (s: Record<string, unknown>) => ({ ...s, specVersion: 3, v3: true }),
      ],
    },
    b: { upgrades: [] },
  };

  it("runs a family's own steps from the stored version up, and no other family's", () => {
    assert.deepEqual(upgradeSpec({ type: "a", specVersion: 1, old: 5 }, families), { type: "a", specVersion: 3, old: 5, renamed: 5, v3: true });
    assert.deepEqual(upgradeSpec({ type: "a", specVersion: 2 }, families), { type: "a", specVersion: 3, v3: true });
    assert.deepEqual(upgradeSpec({ type: "b", specVersion: 1, old: 5 }, families), { type: "b", specVersion: 1, old: 5 }, "a v1 spec of b is left alone");
  });

  it("passes unknown types and non-objects through, for the schema to report", () => {
    assert.deepEqual(upgradeSpec({ type: "zzz", specVersion: 1 }, families), { type: "zzz", specVersion: 1 });
    assert.equal(upgradeSpec(null, families), null);
  });

  it("reads a stored request through the registry: today every family is at version 1", () => {
    for (const spec of Object.values(examples)) assert.deepEqual(upgradeSpec(ModelSpecSchema.parse(spec)), ModelSpecSchema.parse(spec));
  });
});

describe("a stored classic model", () => {
  it("is read back through its family's schema: typed arrays again, and a malformed one refused", async () => {
    const artifact = { format: "treino-baseline" as const, version: 1 as const, family: "naiveBayes", task: "classification" as const, inputs: 2 };
    const model = { k: 2, d: 2, priors: Float64Array.of(0.5, 0.5), mean: Float64Array.of(0, 0, 1, 1), variance: Float64Array.of(1, 1, 1, 1) };
    const weightData = encodeClassic({ ...artifact, model });
    const a = { topology: { format: "treino-baseline", family: "naiveBayes" }, weightSpecs: [], weightData };
    const prep = { outputMode: "softmax" } as never; // a classic model's scores do not read the preprocessing
    const predictor = await FAMILIES.naiveBayes.serving.load(a, prep, "cpu");
    const { values, width } = await predictor.scores(Float32Array.of(1, 1), 1);
    assert.equal(width, 2);
    assert.ok(values[1]! > values[0]!, "the row at the second class's mean is that class");
    const broken = encodeClassic({ ...artifact, model: { ...model, priors: "not numbers" } });
    await assert.rejects(FAMILIES.naiveBayes.serving.load({ ...a, weightData: broken }, prep, "cpu"), /priors/);
  });
});
