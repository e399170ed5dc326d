import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { encodeRows, fitFeatures, inputNames, rowsOf, sortLabels, type FeatureEncoding } from "./encoding.js";
import { PreprocessingSchema } from "../spec/preprocessing.js";

const encode = (features: FeatureEncoding[], rows: Array<Record<string, unknown>>) =>
  Array.from(encodeRows({ features, inputs: inputNames(features) }, rowsOf(rows)));

describe("preprocessing", () => {
  const train = rowsOf([
    { age: "20", sex: "male", vip: "yes" },
    { age: "40", sex: "female", vip: "no" },
    { age: "", sex: "female", vip: "" },
    { age: "90", sex: "female", vip: "no" },
  ]);
  const cols = [
    { name: "age", type: "numeric" as const },
    { name: "sex", type: "categorical" as const },
    { name: "vip", type: "boolean" as const },
  ];

  it("standardizes with the training mean and std and imputes the mean by default", () => {
    const [age] = fitFeatures(cols, train);
    assert.ok(age?.kind === "numeric");
    assert.equal(age.offset, 50);
    assert.ok(Math.abs(age.divisor - Math.sqrt((30 ** 2 + 10 ** 2 + 40 ** 2) / 3)) < 1e-9);
    assert.equal(age.fill, 50);
    assert.equal(encode([age], [{ age: null }])[0], 0);
  });

  it("scales min-max or not at all, and imputes median, mode or a constant", () => {
    const spec = (c: object) => PreprocessingSchema.parse({ columns: { age: c } });
    const [minmax] = fitFeatures(cols, train, spec({ scaling: "minmax", missing: "median" }));
    assert.deepEqual(encode([minmax!], [{ age: 20 }, { age: 90 }, { age: "" }]), [0, 1, Math.fround(20 / 70)]);
    const [none] = fitFeatures(cols, train, spec({ scaling: "none", missing: "constant", constant: -1 }));
    assert.deepEqual(encode([none!], [{ age: 33 }, {}]), [33, -1]);
    const [mode] = fitFeatures(cols, rowsOf([{ age: "3" }, { age: "3" }, { age: "8" }]), spec({ scaling: "none", missing: "mode" }));
    assert.deepEqual(encode([mode!], [{}]), [3]);
  });

  it("one-hot encodes with an unknown bucket for unseen and capped categories; missing takes the mode", () => {
    const [, sex] = fitFeatures(cols, train);
    assert.deepEqual(inputNames([sex!]), ["sex=female", "sex=male", "sex=[UNK]"]);
    assert.deepEqual(encode([sex!], [{ sex: "male" }, { sex: "other" }, {}]), [0, 1, 0, 0, 0, 1, 1, 0, 0]);
    const capped = fitFeatures(cols, train, PreprocessingSchema.parse({ categorical: { maxCategories: 1 } }))[1]!;
    assert.deepEqual(inputNames([capped]), ["sex=female", "sex=[UNK]"]);
    assert.deepEqual(encode([capped], [{ sex: "male" }]), [0, 1]);
    const bare = fitFeatures(cols, train, PreprocessingSchema.parse({ categorical: { unknownBucket: false } }))[1]!;
    assert.deepEqual(encode([bare], [{ sex: "other" }]), [0, 0]);
  });

  it("fits a numeric column of 300,000 training rows (min/max without spreading them as arguments)", () => {
    const many = { length: 300_000, column: (name: string) => (i: number) => (name === "x" ? String(i % 1000) : undefined) };
    const [x] = fitFeatures([{ name: "x", type: "numeric" }], many, PreprocessingSchema.parse({ numeric: { scaling: "minmax", missing: "median" } }));
    assert.equal(x!.kind === "numeric" && x!.offset, 0);
    assert.equal(x!.kind === "numeric" && x!.divisor, 999);
    assert.equal(x!.fill, 499.5);
  });

  it("makes a value required where the column was trained with missing: drop", () => {
    const [age] = fitFeatures(cols, train, PreprocessingSchema.parse({ numeric: { missing: "drop" } }));
    assert.equal(age!.fill, null);
    assert.throws(
      () => encode([age!], [{ age: null }]),
      (e: any) => e.errors?.[0]?.path === "age",
    );
  });

  it("encodes booleans as 0/1 with the majority for missing", () => {
    const vip = fitFeatures(cols, train)[2]!;
    assert.deepEqual(encode([vip], [{ vip: true }, { vip: "no" }, {}]), [1, 0, 0]);
  });

  it("refuses a value of the wrong kind, naming the column", () => {
    const [age] = fitFeatures(cols, train);
    assert.throws(
      () => encode([age!], [{ age: "old" }]),
      (e: any) => e.errors?.[0]?.path === "age",
    );
  });

  it("orders numeric labels numerically", () => {
    assert.deepEqual(sortLabels(["10", "2", "1"]), ["1", "2", "10"]);
    assert.deepEqual(sortLabels(["b", "a"]), ["a", "b"]);
  });
});

describe("typed numeric columns", () => {
  it("fit and encode exactly as the value-by-value path: same stats, same float32 bits, missing filled", () => {
    const n = 500;
    const a = Float64Array.from({ length: n }, (_, i) => (i % 37 === 0 ? NaN : Math.sin(i) * 1e3 + i / 7));
    const b = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 101);
    const records = Array.from({ length: n }, (_, i) => ({ a: Number.isNaN(a[i]!) ? undefined : a[i], b: b[i] }));
    const plain = rowsOf(records);
    const typed = { ...plain, numbers: (name: string) => (name === "a" ? a : b) };
    const columns = [
      { name: "a", type: "numeric" as const },
      { name: "b", type: "numeric" as const },
    ];
    const fPlain = fitFeatures(columns, plain);
    const fTyped = fitFeatures(columns, typed);
    assert.deepEqual(fTyped, fPlain);
    const prep = { features: fPlain, inputs: inputNames(fPlain) };
    assert.deepEqual(Array.from(encodeRows(prep, typed)), Array.from(encodeRows(prep, plain)));
  });
});
