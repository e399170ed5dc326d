import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ColumnProfile } from "../../tables/profile.js";
import { resolveColumns } from "../job/resolve-columns.js";
import { estimateInputGroups, checkLimits } from "../job/limits.js";
import { JobRequestSchema } from "../job/job-request.js";
import { SpecError } from "../spec/training-error.js";

const columns: ColumnProfile[] = [
  { name: "age", type: "numeric", missing: 3, distinct: 60, min: 1, max: 80 },
  { name: "sex", type: "categorical", missing: 0, distinct: 2 },
  { name: "port", type: "categorical", missing: 0, distinct: 3 },
  { name: "name", type: "text", missing: 0, distinct: 500, identifier: true },
  { name: "w", type: "numeric", missing: 0, distinct: 5, min: 0, max: 2 },
  { name: "survived", type: "numeric", missing: 2, distinct: 2, min: 0, max: 1 },
];
const request = (over: Record<string, unknown> = {}) =>
  JobRequestSchema.parse({ datasetId: "00000000-0000-4000-8000-000000000000", target: "survived", model: { type: "sequential", layers: [] }, ...over });
const errorsOf = (over: Record<string, unknown>) => {
  try {
    resolveColumns(request(over), columns);
  } catch (e) {
    if (e instanceof SpecError) return e.errors.map((x) => `${x.path}: ${x.message}`);
    throw e;
  }
  return [];
};

describe("resolveColumns", () => {
  it("infers the task, keeps every usable column, leaves free text out with a warning", () => {
    const r = resolveColumns(request({ ignore: ["w"] }), columns);
    assert.equal(r.task, "classification");
    assert.deepEqual(
      r.features.map((f) => `${f.name}:${f.type}`),
      ["age:numeric", "sex:categorical", "port:categorical"],
    );
    assert.ok(r.warnings.some((w) => /free-text columns left out: name/.test(w)));
    assert.ok(r.warnings.some((w) => /2 rows with a missing target/.test(w)));
  });

  it("maps columns to named inputs, index-encoding a categorical column for an embedding", () => {
    const r = resolveColumns(
      request({
        model: {
          type: "functional",
          inputs: [{ name: "nums" }, { name: "p", encoding: "index" }],
          nodes: [{ name: "o", layer: { type: "concatenate" }, inputs: ["nums", "p"] }],
          outputs: ["o"],
        },
        inputs: { nums: ["age", "sex"], p: ["port"] },
      }),
      columns,
    );
    assert.deepEqual(
      r.groups.map((g) => [g.name, g.columns.join("+"), g.encoding]),
      [
        ["nums", "age+sex", "onehot"],
        ["p", "port", "index"],
      ],
    );
    assert.deepEqual(
      r.features.find((f) => f.name === "port"),
      { name: "port", type: "categorical", asIndex: true },
    );
  });

  it("reports every problem at once, each at its path", () => {
    const errors = errorsOf({ features: ["age", "nope", "survived"], ignore: ["ghost"], columns: { sex: "numeric" }, training: { sampleWeight: "sex" } });
    for (const re of [
      /^features\[1\]: unknown column "nope"/,
      /^features\[2\]: the target cannot also be a feature/,
      /^ignore\[0\]: unknown column "ghost"/,
      /^columns\.sex: "sex" has values that are not numbers/,
      /^training\.sampleWeight: "sex" must be a numeric column/,
    ]) {
      assert.ok(
        errors.some((e) => re.test(e)),
        `${re} in ${errors.join(" | ")}`,
      );
    }
    assert.deepEqual(errorsOf({ task: "regression", target: "sex" }), ['task: regression needs a numeric target; "sex" is categorical']);
  });
});

describe("limits", () => {
  it("estimates input widths from the profile: one-hot with the unknown bucket, capped categories", () => {
    const req = request({ preprocessing: { categorical: { maxCategories: 2 } } });
    const groups = estimateInputGroups(resolveColumns(req, columns), columns, req);
    assert.equal(groups[0]!.width, 1 + (2 + 1) + (2 + 1) + 1, "age, sex (2 + UNK), port (capped at 2 + UNK), w");
  });

  it("names each limit a request breaks, with its path", () => {
    const limits = { maxEpochs: 10, maxLayers: 2, maxUnits: 64, maxParams: 1000, maxInputWidth: 100, maxJobSeconds: 60, maxCategories: 100 };
    const req = request({
      training: { epochs: 50 },
      model: {
        type: "sequential",
        layers: [
          { type: "dense", units: 65 },
          { type: "dense", units: 8 },
          { type: "dense", units: 8 },
        ],
      },
    });
    assert.deepEqual(
      checkLimits(req, limits).map((e) => e.path),
      ["training.epochs", "model.layers", "model.layers[0].units"],
    );
    assert.deepEqual(checkLimits(request(), { ...limits, maxEpochs: 1000 }, 1001), [
      { path: "model", message: "1001 parameters, more than 1000 (MAX_PARAMS)" },
    ]);
  });
});
