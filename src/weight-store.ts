import type pg from "pg";

/** Size of one stored piece of a model's weights. */
export const WEIGHT_CHUNK_BYTES = 1024 * 1024;

/** Where a model's pieces belong: the model they will make up, its tenant and job. */
export interface WeightOwner {
  modelId: string;
  tenant: string;
  jobId: string;
}

/**
 * A model's weights in pieces (table ModelChunk), written and read with pg directly as datasets'
 * pieces are (src/datasets/chunk-store.ts). The pieces are written one statement each before the
 * model row exists, so no transaction holds megabytes; the row, created in a short transaction
 * with the job's success, is what makes them visible. The model's deletion drops them (trigger).
 */
export class WeightStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Writes `bytes` as the pieces of `owner.modelId`. */
  async write(owner: WeightOwner, bytes: Buffer): Promise<void> {
    for (let seq = 0, at = 0; at < bytes.length || seq === 0; seq++, at += WEIGHT_CHUNK_BYTES) {
      await this.pool.query('INSERT INTO "ModelChunk" ("modelId", "seq", "tenant", "jobId", "data") VALUES ($1, $2, $3, $4, $5)', [
        owner.modelId,
        seq,
        owner.tenant,
        owner.jobId,
        bytes.subarray(at, at + WEIGHT_CHUNK_BYTES),
      ]);
    }
  }

  /** Drops a job's pieces that no model row owns: an earlier attempt's, or this one's after it lost the job. */
  async dropOrphans(jobId: string): Promise<void> {
    await this.pool.query('DELETE FROM "ModelChunk" c WHERE c."jobId" = $1 AND NOT EXISTS (SELECT 1 FROM "Model" m WHERE m."id" = c."modelId")', [jobId]);
  }

  /**
   * A model's bytes as pieces (to be joined, or moved to a thread, by the caller): its pieces in
   * order, or the single column of a model stored before pieces; undefined when it is gone. One
   * piece per query: pg decodes bytea from hex on the event loop (~16 ms per 1 MiB piece; pg has
   * no binary result mode).
   */
  async readPieces(modelId: string): Promise<Buffer[] | undefined> {
    const row = await this.pool.query<{ weightData: Buffer | null }>('SELECT "weightData" FROM "Model" WHERE "id" = $1', [modelId]);
    if (!row.rows[0]) return undefined;
    if (row.rows[0].weightData) return [row.rows[0].weightData];
    const pieces: Buffer[] = [];
    for (let seq = 0; ; seq++) {
      const piece = await this.pool.query<{ data: Buffer }>('SELECT "data" FROM "ModelChunk" WHERE "modelId" = $1 AND "seq" = $2', [modelId, seq]);
      if (!piece.rows[0]) return pieces;
      pieces.push(piece.rows[0].data);
    }
  }

  async read(modelId: string): Promise<Buffer | undefined> {
    const pieces = await this.readPieces(modelId);
    return pieces && (pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces));
  }
}
