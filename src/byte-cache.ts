import { LRUCache } from "lru-cache";

/**
 * An LRU map within a byte budget (lru-cache's maxSize): the least recently used go first once
 * the sizes add up past `maxBytes`; an entry over `maxEntryBytes` is not kept. A budget of 0
 * keeps nothing (lru-cache needs a positive maxSize: every entry then counts as too large).
 */
export function byteCache<V extends object>(maxBytes: number, sizeOf: (value: V) => number, maxEntryBytes = maxBytes): LRUCache<string, V> {
  return new LRUCache<string, V>({
    maxSize: Math.max(1, maxBytes),
    maxEntrySize: Math.max(1, Math.min(maxEntryBytes, maxBytes)),
    sizeCalculation: maxBytes > 0 ? (value) => Math.max(1, Math.ceil(sizeOf(value))) : () => 2,
  });
}
