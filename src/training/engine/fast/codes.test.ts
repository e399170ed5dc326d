import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { cHeader, code, nameOf } from "./codes.js";

it("native/mlp/codes.h is the header the one table of codes generates (npm run native:build rewrites it)", () => {
  assert.equal(readFileSync(new URL("../../../../native/mlp/codes.h", import.meta.url), "utf8"), cHeader());
});

it("numbers each group's names by position, both ways", () => {
  assert.deepEqual([code("OP", "dense"), code("A", "softmax"), code("L", "binary_crossentropy"), code("O", "adam"), code("A", "mish")], [0, 10, 2, 2, -1]);
  assert.equal(nameOf("O", 3), "rmsprop");
});
