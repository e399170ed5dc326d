import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findLeaks } from "./leaks.js";
import { tableFromRows } from "../../tables/read-table.js";

describe("findLeaks", () => {
  // 100 rows: `after` is set only for survivors (a leak), `noise` is unrelated.
  const rows = Array.from({ length: 100 }, (_, i) => {
    const survived = i % 3 === 0 ? "1" : "0";
    return [survived === "1" ? `boat ${i % 7}` : "", String((i * 37) % 11), survived, String(i % 3 === 0 ? 10 + i / 100 : i / 100)];
  });
  const table = tableFromRows(["after", "noise", "survived", "y"], rows);

  it("flags a column that alone predicts the class almost perfectly, not an unrelated one", () => {
    const resolved = {
      task: "classification" as const,
      targetType: "numeric" as const,
      warnings: [],
      groups: [],
      features: [
        { name: "after", type: "categorical" as const },
        { name: "noise", type: "numeric" as const },
      ],
    };
    const warnings = findLeaks(table, "survived", resolved);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /"after" alone predicts "survived" for 100\.0% of rows/);
  });

  it("flags a feature that explains a regression target's variance", () => {
    const resolved = {
      task: "regression" as const,
      targetType: "numeric" as const,
      warnings: [],
      groups: [],
      features: [
        { name: "survived", type: "categorical" as const },
        { name: "noise", type: "numeric" as const },
      ],
    };
    const warnings = findLeaks(table, "y", resolved);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /"survived" alone explains/);
  });
});
