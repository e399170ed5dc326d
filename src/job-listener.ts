import type pg from "pg";

type Listener = () => void;

/**
 * One LISTEN connection per API process on 'treino_jobs' (notified by triggers on Job and
 * JobEpoch at commit), fanned out to whoever watches a job: N event streams cost one
 * connection and no polling. If the connection drops, every watcher is woken (they re-read
 * once) and it reconnects.
 */
export class JobListener {
  private readonly watchers = new Map<string, Set<Listener>>();
  private readonly everything = new Set<{ change(id: string): void; reset(): void }>();
  private client?: pg.PoolClient;
  private connecting?: Promise<void>;
  private closed = false;

  constructor(private readonly pool: pg.Pool) {}

  /** Calls `fn` whenever job `jobId` changes; returns the unsubscribe function. */
  async watch(jobId: string, fn: Listener): Promise<() => void> {
    await this.connect();
    let set = this.watchers.get(jobId);
    if (!set) this.watchers.set(jobId, (set = new Set()));
    set.add(fn);
    return () => {
      set!.delete(fn);
      if (set!.size === 0 && this.watchers.get(jobId) === set) this.watchers.delete(jobId);
    };
  }

  /**
   * Calls `change(id)` for every notification (a job id, or `model:<id>`) and `reset()` whenever
   * notifications may have been missed (the connection dropped): what a cache of reads needs.
   */
  async watchAll(sub: { change(id: string): void; reset(): void }): Promise<void> {
    this.everything.add(sub);
    await this.connect();
  }

  /** True while LISTEN is in place, so every change from now on will be told. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  private connect(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = await this.pool.connect();
      client.on("notification", (msg) => {
        for (const sub of this.everything) sub.change(msg.payload ?? "");
        for (const fn of this.watchers.get(msg.payload ?? "") ?? []) fn();
      });
      client.on("error", () => this.drop(client));
      await client.query("LISTEN treino_jobs");
      // Closed while connecting: give the connection back, or the pool's end() waits for it forever.
      if (this.closed) return client.release();
      this.client = client;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private drop(client: pg.PoolClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.release(true);
    for (const sub of this.everything) sub.reset();
    for (const set of this.watchers.values()) for (const fn of set) fn();
    if (!this.closed) void this.connect().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.query("UNLISTEN *").catch(() => undefined);
      client.release();
    }
  }
}
