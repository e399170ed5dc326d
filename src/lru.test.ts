import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ByteLru } from "./lru.js";
import { TableCache } from "./datasets/table-cache.js";
import { tableFromRows } from "./tables/read-table.js";

describe("ByteLru", () => {
  it("keeps the most recently used entries within its byte budget", () => {
    const lru = new ByteLru<string>(10, (s) => s.length);
    lru.set("a", "aaaa");
    lru.set("b", "bbbb");
    assert.equal(lru.get("a"), "aaaa"); // a is now the most recent
    lru.set("c", "cccc"); // 12 bytes: the least recent (b) goes
    assert.equal(lru.get("b"), undefined);
    assert.deepEqual([lru.get("a"), lru.get("c"), lru.bytes], ["aaaa", "cccc", 8]);
    lru.set("big", "x".repeat(11)); // larger than the budget: not kept, nothing evicted
    assert.deepEqual([lru.get("big"), lru.bytes], [undefined, 8]);
    lru.set("a", "a");
    assert.equal(lru.bytes, 5, "a replaced entry's old size is given back");
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
