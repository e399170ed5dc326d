import type { Db } from "../db.js";
import { AppError, requireTenant } from "../errors.js";
import type { PageQuery } from "../page.js";
import { cachedRead, type CachedRead, type ReadCache } from "../read-cache.js";
import { toJobView, type JobStatus } from "./job-view.js";

/**
 * A job with its epochs and model id in one statement. Timestamps are read as UTC instants:
 * Prisma stores them in `timestamp` columns, which node-pg would take as local time.
 */
const JOB_SELECT = `
  SELECT j.id, j.tenant, j."datasetId", j.status, j.spec, j.backend, j.epoch, j.epochs, j.metrics, j.warnings,
    j."errorCode", j."errorMessage", j.attempts, j."cancelRequested",
    j."createdAt" AT TIME ZONE 'UTC' AS "createdAt", j."startedAt" AT TIME ZONE 'UTC' AS "startedAt",
    j."finishedAt" AT TIME ZONE 'UTC' AS "finishedAt",
    (SELECT m.id FROM "Model" m WHERE m."jobId" = j.id) AS "modelId",
    COALESCE((SELECT json_agg(json_build_array(e.epoch, e.logs) ORDER BY e.epoch) FROM "JobEpoch" e WHERE e."jobId" = j.id), '[]') AS epochs_logs
  FROM "Job" j`;

type JobRow = Parameters<typeof toJobView>[0] & { modelId: string | null; epochs_logs: Array<[number, unknown]> };

function toCached(row: JobRow): CachedRead {
  const history = row.epochs_logs.map(([epoch, logs]) => ({ jobId: row.id, epoch, logs: logs as object }));
  const view = toJobView({ ...row, history, model: row.modelId ? { id: row.modelId } : null } as Parameters<typeof toJobView>[0]);
  return cachedRead(row.tenant, JSON.stringify(view));
}

/**
 * The reads clients poll (a job, the job list), served as JSON text from the ReadCache: a
 * finished job is read from Postgres once; a running one once per change (each epoch).
 */
export class JobReads {
  constructor(private readonly db: Db, private readonly cache: ReadCache) {}

  async get(tenant: string, id: string): Promise<CachedRead> {
    requireTenant(tenant);
    const entry = await this.cache.load(id, async () => {
      const res = await this.db.pool.query<JobRow>(`${JOB_SELECT} WHERE j.id = $1`, [id]);
      return res.rows[0] && toCached(res.rows[0]);
    });
    // Another tenant's job is as absent as a missing one.
    if (!entry || entry.tenant !== tenant) throw new AppError("not_found", `job ${id} not found`);
    return entry;
  }

  /** One page, newest first, as `{items, nextCursor}` JSON text (the cursor is the last id). */
  async list(tenant: string, q: PageQuery & { status?: JobStatus }): Promise<string> {
    requireTenant(tenant);
    const args: unknown[] = [tenant, q.limit + 1];
    const where = ["tenant = $1"];
    if (q.status) where.push(`status = $${args.push(q.status)}`);
    if (q.cursor) where.push(`("createdAt", id) < (SELECT "createdAt", id FROM "Job" WHERE id = $${args.push(q.cursor)})`);
    const ids = (await this.db.pool.query<{ id: string }>(`SELECT id FROM "Job" WHERE ${where.join(" AND ")} ORDER BY "createdAt" DESC, id DESC LIMIT $2`, args)).rows.map((r) => r.id);
    const more = ids.length > q.limit;
    const page = more ? ids.slice(0, q.limit) : ids;
    const found = await this.cache.loadMany(page, async (missing) => {
      const rows = (await this.db.pool.query<JobRow>(`${JOB_SELECT} WHERE j.id = ANY($1::uuid[])`, [missing])).rows;
      return new Map(rows.map((row) => [row.id, toCached(row)]));
    });
    // A job deleted between the two queries is left out.
    const items = page.map((id) => found.get(id)).filter((e): e is CachedRead => e !== undefined && e.tenant === tenant);
    return `{"items":[${items.map((e) => e.json).join(",")}],"nextCursor":${more ? JSON.stringify(page[page.length - 1]) : "null"}}`;
  }
}
