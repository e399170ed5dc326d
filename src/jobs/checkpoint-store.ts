import type pg from "pg";
import type { Checkpoint } from "../training/index.js";

/**
 * Jobs' latest checkpoints, through pg (weights are bytes). A write is fenced by the attempt
 * number: an attempt that lost its job cannot overwrite the new attempt's state.
 */
export class CheckpointStore {
  constructor(private readonly pool: pg.Pool) {}

  async save(jobId: string, attempt: number, cp: Checkpoint): Promise<boolean> {
    const meta = { history: cp.history, callbacks: cp.callbacks, weightSpecs: cp.weightSpecs };
    const res = await this.pool.query(
      `INSERT INTO "JobCheckpoint" ("jobId", "attempt", "epoch", "meta", "data")
       SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM "Job" WHERE "id" = $1 AND "attempts" = $2 AND "status" = 'running')
       ON CONFLICT ("jobId") DO UPDATE SET "attempt" = $2, "epoch" = $3, "meta" = $4, "data" = $5, "createdAt" = now()`,
      [jobId, attempt, cp.epoch, JSON.stringify(meta), cp.data],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async load(jobId: string): Promise<Checkpoint | undefined> {
    const res = await this.pool.query<{ epoch: number; meta: Omit<Checkpoint, "epoch" | "data">; data: Buffer }>(
      'SELECT "epoch", "meta", "data" FROM "JobCheckpoint" WHERE "jobId" = $1',
      [jobId],
    );
    const row = res.rows[0];
    return row ? { epoch: row.epoch, ...row.meta, data: row.data } : undefined;
  }

  async delete(jobId: string): Promise<void> {
    await this.pool.query('DELETE FROM "JobCheckpoint" WHERE "jobId" = $1', [jobId]);
  }
}
