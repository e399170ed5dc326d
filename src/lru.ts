/**
 * A map that keeps its most recently used entries within a byte budget: the oldest go first
 * once the sizes add up past `maxBytes`, and an entry larger than `maxEntryBytes` is not kept.
 */
export class ByteLru<V> {
  private readonly entries = new Map<string, V>();
  private total = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number,
    private readonly maxEntryBytes = maxBytes,
  ) {}

  get bytes(): number {
    return this.total;
  }

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Map order is the LRU order: a hit moves to the end.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const size = this.sizeOf(value);
    if (size > this.maxEntryBytes || size > this.maxBytes) return;
    this.entries.set(key, value);
    this.total += size;
    for (const [k, v] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(k);
      this.total -= this.sizeOf(v);
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    this.total -= this.sizeOf(old);
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}
