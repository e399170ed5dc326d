import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sizingAdvice, sizingRules } from "./sizing-advice.js";

const close = (a: number | null | undefined, b: number, what: string) =>
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-3 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe("hidden-unit rules of thumb", () => {
  it("computes each formula for N_i = 10, N_o = 3, N_s = 1000 (values worked out by hand)", () => {
    const rules = new Map(sizingRules({ inputs: 10, outputs: 3, rows: 1000, maxUnits: 8192 }).map((r) => [r.name, r]));
    assert.deepEqual(rules.get("between inputs and outputs")!.range, [3, 10]);
    close(rules.get("two thirds of the inputs plus the outputs")!.value, 9.6667, "2/3 N_i + N_o");
    assert.deepEqual(rules.get("under twice the inputs")!.range, [1, 19]);
    const hagan = rules.get("samples per weight")!.range!;
    close(hagan[0], 1000 / 130, "Hagan alpha 10");
    close(hagan[1], 1000 / 26, "Hagan alpha 2");
    close(rules.get("Li, Chow & Yu 1995")!.value, 4, "(sqrt(81) - 1) / 2");
    close(rules.get("Tamura & Tateishi 1997")!.value, 999, "N - 1");
    close(rules.get("Zhang, Ma & Yang 2003")!.value, 103.4, "1024 / 10 + 1");
    close(rules.get("Jinchuan & Xinzhe 2008")!.value, 10 + Math.sqrt(1000), "10 + sqrt(1000)");
    close(rules.get("Xu & Chen 2008")!.value, 3.8048, "sqrt(1000 / (10 ln 1000))");
    close(rules.get("Shibata & Ikeda 2009")!.value, Math.sqrt(30), "sqrt(30)");
    close(rules.get("Hunter, Yu, Pukish, Kolbusz & Wilamowski 2012")!.value, 1023, "2^10 - 1");
    close(rules.get("Sheela & Deepa 2013")!.value, 403 / 92, "(400 + 3) / (100 - 8)");
  });

  it("says where a rule stops making sense: 2^n for 100 inputs, n^2 - 8 <= 0, too few rows", () => {
    const wide = new Map(sizingRules({ inputs: 100, outputs: 1, rows: 150, maxUnits: 8192 }).map((r) => [r.name, r]));
    assert.match(wide.get("Hunter, Yu, Pukish, Kolbusz & Wilamowski 2012")!.note!, /stops making sense/);
    assert.match(wide.get("Zhang, Ma & Yang 2003")!.note!, /MAX_UNITS/);
    assert.match(wide.get("samples per weight")!.note!, /fewer than 202 training rows/);
    const narrow = new Map(sizingRules({ inputs: 2, outputs: 1, rows: 100, maxUnits: 8192 }).map((r) => [r.name, r]));
    assert.equal(narrow.get("Sheela & Deepa 2013")!.value, null);
    assert.match(narrow.get("Sheela & Deepa 2013")!.note!, /n <= 2/);
    const huge = new Map(sizingRules({ inputs: 2000, outputs: 1, rows: 100, maxUnits: 8192 }).map((r) => [r.name, r]));
    assert.equal(huge.get("Hunter, Yu, Pukish, Kolbusz & Wilamowski 2012")!.value, null, "2^2000 is not a number");
    assert.match(huge.get("Hunter, Yu, Pukish, Kolbusz & Wilamowski 2012")!.note!, /overflows/);
  });

  it("proposes a search space of the sensible values only, with Lippmann's depth hint", () => {
    const advice = sizingAdvice({ inputs: 100, outputs: 1, rows: 5000, maxUnits: 8192 });
    assert.deepEqual(advice.space.hiddenLayers, [1, 2]);
    assert.ok(advice.space.units.length >= 2 && advice.space.units.length <= 8, String(advice.space.units));
    assert.ok(
      advice.space.units.every((u) => Number.isInteger(u) && u >= 1 && u <= 8192),
      String(advice.space.units),
    );
    assert.deepEqual(
      [...advice.space.units].sort((a, b) => a - b),
      advice.space.units,
      "ascending",
    );
    assert.ok(advice.space.units.includes(4999), "Tamura & Tateishi's N - 1 is within MAX_UNITS and kept");
    assert.match(advice.depth.source, /Lippmann/);
  });
});
