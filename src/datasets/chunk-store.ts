import type pg from "pg";

/** The raw pieces of a dataset file, written and read with pg directly (see src/db.ts). */
export class ChunkStore {
  constructor(private readonly pool: pg.Pool) {}

  async write(datasetId: string, seq: number, bytes: Buffer): Promise<void> {
    await this.pool.query('INSERT INTO "DatasetChunk" ("datasetId", "seq", "data") VALUES ($1, $2, $3)', [datasetId, seq, bytes]);
  }

  /** The pieces in order, one query each, so a reader holds one piece at a time. */
  async *read(datasetId: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const res = await this.pool.query<{ data: Buffer }>('SELECT "data" FROM "DatasetChunk" WHERE "datasetId" = $1 AND "seq" = $2', [datasetId, seq]);
      const row = res.rows[0];
      if (!row) return;
      yield row.data;
    }
  }
}
