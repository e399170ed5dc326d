import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { encodeRows, fitFeatures, inputNames, sortLabels } from "./preprocess.js";

describe("preprocessing", () => {
  const rows = [
    { age: "20", sex: "male", vip: "yes" },
    { age: "40", sex: "female", vip: "no" },
    { age: "", sex: "female", vip: "" },
  ].map((r) => (name: string) => (r as Record<string, string>)[name]);
  const features = fitFeatures(
    [{ name: "age", type: "numeric" }, { name: "sex", type: "categorical" }, { name: "vip", type: "boolean" }],
    rows,
  );

  it("standardizes numbers with the training mean and std, imputing the mean", () => {
    const f = features[0]!;
    assert.equal(f.kind, "numeric");
    if (f.kind !== "numeric") return;
    assert.equal(f.mean, 30);
    assert.equal(f.std, 10);
    const x = encodeRows({ features, inputs: inputNames(features) }, rows);
    assert.deepEqual([x[0], x[4], x[8]], [-1, 1, 0]); // missing age -> mean -> 0
  });

  it("one-hot encodes categories in a stable order, unseen ones as all zeros, missing as the mode", () => {
    assert.deepEqual(inputNames(features), ["age", "sex=female", "sex=male", "vip"]);
    const prep = { features, inputs: inputNames(features) };
    const x = encodeRows(prep, [(n) => ({ age: 30, sex: "other", vip: true })[n], (n) => ({ age: 30 })[n]]);
    assert.deepEqual(Array.from(x), [0, 0, 0, 1, 0, 1, 0, 1]);
  });

  it("refuses a value of the wrong kind, naming the column", () => {
    const prep = { features, inputs: inputNames(features) };
    assert.throws(() => encodeRows(prep, [(n) => ({ age: "old" })[n]]), (e: any) => e.errors?.[0]?.path === "age");
  });

  it("orders numeric labels numerically", () => {
    assert.deepEqual(sortLabels(["10", "2", "1"]), ["1", "2", "10"]);
    assert.deepEqual(sortLabels(["b", "a"]), ["a", "b"]);
  });
});
