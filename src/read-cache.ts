import { createHash } from "node:crypto";
import type { JobListener } from "./job-listener.js";
import type { LRUCache } from "lru-cache";
import { byteCache } from "./byte-cache.js";

/** One cached read: whose it is, the response's JSON text and its ETag. */
export interface CachedRead {
  tenant: string;
  json: string;
  etag: string;
}

export function cachedRead(tenant: string, json: string): CachedRead {
  return { tenant, json, etag: `"${createHash("sha1").update(json).digest("base64url")}"` };
}

/**
 * The JSON of views that clients poll (jobs, models), kept in memory until Postgres says the row
 * changed: the tables' triggers NOTIFY 'treino_jobs' with the key at commit (JobListener). An
 * entry is stored only if LISTEN was in place for the whole read and no change to its key was
 * told meanwhile, so a cached view is never older than the last committed change; if the
 * connection drops, everything is forgotten. Least recently used entries go past `maxBytes`.
 */
export class ReadCache {
  /** One view may not crowd out the rest: at most a quarter of the budget. */
  private readonly entries: LRUCache<string, CachedRead>;
  /** Reads in flight per key, and whether a change was told for it since each began. */
  private readonly inflight = new Map<string, { readers: number; changed: boolean }>();
  private generation = 0;

  constructor(
    private readonly listener: JobListener,
    private readonly maxBytes: number,
  ) {
    this.entries = byteCache<CachedRead>(maxBytes, (e) => e.json.length, maxBytes / 4);
  }

  /** Subscribes to the changes; until then (or if it fails) nothing is cached. */
  async start(): Promise<void> {
    await this.listener.watchAll({
      change: (key) => this.forget(key),
      reset: () => {
        this.generation++;
        this.entries.clear();
      },
    });
  }

  /**
   * Drops a key now: what a process calls after its own write, so that its next read sees the
   * write without waiting for the notification (read your writes).
   */
  forget(key: string): void {
    this.entries.delete(key);
    const f = this.inflight.get(key);
    if (f) f.changed = true;
  }

  get(key: string): CachedRead | undefined {
    return this.entries.get(key);
  }

  /** The entry, read with `read` when not cached (undefined when there is no such row). */
  async load(key: string, read: () => Promise<CachedRead | undefined>): Promise<CachedRead | undefined> {
    return (
      await this.loadMany([key], async () => {
        const entry = await read();
        return new Map(entry ? [[key, entry]] : []);
      })
    ).get(key);
  }

  /** Entries for `keys`: cached ones as they are, the rest from one `read(missing)`. */
  async loadMany(keys: string[], read: (missing: string[]) => Promise<Map<string, CachedRead>>): Promise<Map<string, CachedRead>> {
    const out = new Map<string, CachedRead>();
    const missing: string[] = [];
    for (const key of keys) {
      const hit = this.get(key);
      if (hit) out.set(key, hit);
      else missing.push(key);
    }
    if (!missing.length) return out;
    // Registered before the read starts: a change told during it keeps its result out of the cache.
    const watching = this.listener.connected && this.maxBytes > 0;
    const generation = this.generation;
    const flights = missing.map((key) => {
      let flight = this.inflight.get(key);
      if (!flight) this.inflight.set(key, (flight = { readers: 0, changed: false }));
      flight.readers++;
      return [key, flight] as const;
    });
    try {
      const read_ = await read(missing);
      for (const [key, flight] of flights) {
        const entry = read_.get(key);
        if (!entry) continue;
        out.set(key, entry);
        if (watching && !flight.changed && generation === this.generation && this.listener.connected) this.entries.set(key, entry);
      }
      return out;
    } finally {
      for (const [key, flight] of flights) if (--flight.readers === 0) this.inflight.delete(key);
    }
  }
}
