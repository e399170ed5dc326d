import type pg from "pg";

/** The raw pieces of a dataset file, written and read with pg directly (see src/db.ts). */
export class ChunkStore {
  constructor(private readonly pool: pg.Pool) {}

  async write(datasetId: string, seq: number, bytes: Buffer): Promise<void> {
    await this.pool.query('INSERT INTO "DatasetChunk" ("datasetId", "seq", "data") VALUES ($1, $2, $3)', [datasetId, seq, bytes]);
  }

  /** The pieces in order, one query each, so a reader holds two pieces at most (this and the next). */
  async *read(datasetId: string): AsyncGenerator<Buffer> {
    // The next piece is fetched while the reader parses this one.
    const fetch = (seq: number) =>
      this.pool
        .query<{ data: Buffer }>('SELECT "data" FROM "DatasetChunk" WHERE "datasetId" = $1 AND "seq" = $2', [datasetId, seq])
        .then((r) => r.rows[0]?.data);
    let next = fetch(0);
    for (let seq = 0; ; seq++) {
      const data = await next;
      if (!data) return;
      next = fetch(seq + 1);
      next.catch(() => undefined); // a reader that stops early leaves it unawaited
      yield data;
    }
  }
}
