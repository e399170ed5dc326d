import type { LRUCache } from "lru-cache";
import { byteCache } from "../byte-cache.js";
import type { Table } from "../tables/read-table.js";

/**
 * Datasets a training process read, kept for the next job on the same data (a grid, a retry,
 * another model): datasets never change after upload, so an entry is valid until evicted.
 * Keyed by dataset and the columns read (and how), bounded by TABLE_CACHE_BYTES.
 */
export class TableCache {
  private readonly tables: LRUCache<string, Table>;

  constructor(maxBytes: number) {
    this.tables = byteCache<Table>(maxBytes, (t) => t.bytes);
  }

  async get(datasetId: string, only: ReadonlySet<string>, valuesOnly: ReadonlySet<string>, read: () => Promise<Table>): Promise<Table> {
    const key = JSON.stringify([datasetId, [...only].sort(), [...valuesOnly].sort()]);
    const hit = this.tables.get(key);
    if (hit) return hit;
    const table = await read();
    this.tables.set(key, table);
    return table;
  }
}
