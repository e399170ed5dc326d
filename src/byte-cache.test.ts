import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { byteCache } from "./byte-cache.js";
import { TableCache } from "./datasets/table-cache.js";
import { tableFromRows } from "./tables/read-table.js";

describe("byteCache", () => {
  it("keeps the most recently used entries within its byte budget", () => {
    const lru = byteCache<{ s: string }>(10, (v) => v.s.length);
    lru.set("a", { s: "aaaa" });
    lru.set("b", { s: "bbbb" });
    assert.equal(lru.get("a")?.s, "aaaa"); // a is now the most recent
    lru.set("c", { s: "cccc" }); // 12 bytes: the least recent (b) goes
    assert.equal(lru.get("b"), undefined);
    assert.deepEqual([lru.get("a")?.s, lru.get("c")?.s, lru.calculatedSize], ["aaaa", "cccc", 8]);
    lru.set("big", { s: "x".repeat(11) }); // larger than the budget: not kept, nothing evicted
    assert.deepEqual([lru.get("big"), lru.calculatedSize], [undefined, 8]);
    lru.set("a", { s: "a" });
    assert.equal(lru.calculatedSize, 5, "a replaced entry's old size is given back");
  });

  it("keeps nothing with a budget of 0, and nothing over the per-entry cap", () => {
    const off = byteCache<{ s: string }>(0, (v) => v.s.length);
    off.set("a", { s: "a" });
    assert.equal(off.get("a"), undefined);
    const capped = byteCache<{ s: string }>(100, (v) => v.s.length, 10);
    capped.set("a", { s: "x".repeat(11) });
    capped.set("b", { s: "x".repeat(10) });
    assert.deepEqual([capped.get("a"), capped.get("b")?.s.length], [undefined, 10]);
  });
});

describe("TableCache", () => {
  it("reads a dataset once per set of columns, and again once evicted", async () => {
    let reads = 0;
    const table = tableFromRows(
      ["x", "y"],
      [
        ["1", "a"],
        ["2", "b"],
      ],
      new Set(["x"]),
    );
    const read = async () => (reads++, table);
    const cache = new TableCache(table.bytes * 2);
    const cols = new Set(["x", "y"]);
    assert.equal(await cache.get("d1", cols, new Set(["x"]), read), table);
    await cache.get("d1", new Set(["y", "x"]), new Set(["x"]), read);
    assert.equal(reads, 1, "the same columns in another order are the same entry");
    await cache.get("d1", cols, new Set(), read); // read differently: its own entry
    await cache.get("d2", cols, new Set(["x"]), read); // third entry: the least recent goes
    await cache.get("d1", cols, new Set(["x"]), read);
    assert.equal(reads, 4);
  });
});
