import { it } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.js";
import "../elm/layers.js"; // registers the ELM's layers, as loading a stored network does (job/runtime.ts)
import { initializerProblem, TFJS_CLASSES } from "./support.js";

it("lists exactly the classes tfjs's serialization registry holds", () => {
  // tfjs keeps its registry in `classNameMap`, which its typings leave out.
  const map = Reflect.get(tf.serialization.SerializationMap.getMap(), "classNameMap") as Record<string, unknown>;
  assert.deepEqual([...TFJS_CLASSES].sort(), Object.keys(map).sort());
});

it("accepts Keras's initializers by class and by name, and refuses unbounded arguments", () => {
  for (const ok of [
    "glorot_uniform",
    "he_normal",
    "lecun_uniform",
    "Orthogonal",
    { class_name: "VarianceScaling", config: { scale: 2, mode: "fan_in", distribution: "truncated_normal", seed: 7 } },
    { class_name: "Constant", config: { value: -0.5 } },
  ]) {
    assert.equal(initializerProblem(ok), undefined, JSON.stringify(ok));
  }
  for (const bad of [
    "Glorot",
    { class_name: "RandomUniform", config: { minval: 1, maxval: 0 } },
    { class_name: "Constant", config: { value: "1" } },
    { class_name: "HeNormal", config: { seed: -1 } },
    { config: {} },
  ]) {
    assert.notEqual(initializerProblem(bad), undefined, JSON.stringify(bad));
  }
});
