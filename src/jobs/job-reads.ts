import type { Db } from "../db.js";
import { AppError, requireTenant } from "../errors.js";
import type { PageQuery } from "../page.js";
import { cachedRead, type CachedRead, type ReadCache } from "../read-cache.js";
import { toJobView, type JobStatus } from "./job-view.js";
import { registrationsJson } from "../registry/registrations.js";
import type { Registration } from "../registry/registry-schema.js";

/**
 * Jobs ($1: their ids) with their epochs and model ids, in one statement. Timestamps are read as
 * UTC instants: Prisma stores them in `timestamp` columns, which node-pg would take as local time.
 */
const JOBS_BY_ID = `
  SELECT j.id, j.tenant, j."datasetId", j.status, j.spec, j.backend, j.epoch, j.epochs, j.metrics, j.warnings,
    j."errorCode", j."errorMessage", j.attempts, j."cancelRequested", j."webhookUrl", j."webhookDeliveries",
    j."createdAt" AT TIME ZONE 'UTC' AS "createdAt", j."startedAt" AT TIME ZONE 'UTC' AS "startedAt",
    j."finishedAt" AT TIME ZONE 'UTC' AS "finishedAt",
    (SELECT m.id FROM "Model" m WHERE m."jobId" = j.id) AS "modelId",
    (SELECT ${registrationsJson("m.id")} FROM "Model" m WHERE m."jobId" = j.id) AS registered,
    COALESCE((SELECT json_agg(json_build_array(e.epoch, e.logs) ORDER BY e.epoch) FROM "JobEpoch" e WHERE e."jobId" = j.id), '[]') AS epochs_logs
  FROM "Job" j WHERE j.id = ANY($1::uuid[])`;

/**
 * One page of a tenant's job ids, newest first: $2 rows, $3 a status or null, $4 the cursor (last
 * id seen) or null, $5 experiments' trials only (true), none of them (false) or both (null), $6
 * one experiment's jobs or null. Another tenant's id as the cursor is treated like a missing one (an empty
 * page): its creation time must not show through the page it would start.
 */
const PAGE_IDS = `
  SELECT id FROM "Job"
  WHERE tenant = $1 AND ($3::text IS NULL OR status = $3)
    AND ($5::boolean IS NULL OR $5 = ("experimentId" IS NOT NULL)) AND ($6::uuid IS NULL OR "experimentId" = $6::uuid)
    AND ($4::uuid IS NULL OR ("createdAt", id) < (SELECT "createdAt", id FROM "Job" WHERE id = $4::uuid AND tenant = $1))
  ORDER BY "createdAt" DESC, id DESC LIMIT $2`;

type JobRow = Parameters<typeof toJobView>[0] & { modelId: string | null; registered: Registration[] | null; epochs_logs: Array<[number, unknown]> };

function toCached(row: JobRow): CachedRead {
  const history = row.epochs_logs.map(([epoch, logs]) => ({ jobId: row.id, epoch, logs: logs as object }));
  const view = toJobView({ ...row, history, model: row.modelId ? { id: row.modelId, registered: row.registered ?? [] } : null } as Parameters<
    typeof toJobView
  >[0]);
  return cachedRead(row.tenant, JSON.stringify(view));
}

/**
 * The reads clients poll (a job, the job list), served as JSON text from the ReadCache: a
 * finished job is read from Postgres once; a running one once per change (each epoch).
 */
export class JobReads {
  constructor(
    private readonly db: Db,
    private readonly cache: ReadCache,
  ) {}

  async get(tenant: string, id: string): Promise<CachedRead> {
    requireTenant(tenant);
    const entry = await this.cache.load(id, async () => {
      const res = await this.db.pool.query<JobRow>(JOBS_BY_ID, [[id]]);
      return res.rows[0] && toCached(res.rows[0]);
    });
    // Another tenant's job is as absent as a missing one.
    if (!entry || entry.tenant !== tenant) throw new AppError("not_found", `job ${id} not found`);
    return entry;
  }

  /** One page, newest first, as `{items, nextCursor}` JSON text (the cursor is the last id). */
  async list(tenant: string, q: PageQuery & { status?: JobStatus; trials?: "true" | "false"; experimentId?: string }): Promise<string> {
    requireTenant(tenant);
    const trials = q.trials === undefined ? null : q.trials === "true";
    const args = [tenant, q.limit + 1, q.status ?? null, q.cursor ?? null, trials, q.experimentId ?? null];
    const ids = (await this.db.pool.query<{ id: string }>(PAGE_IDS, args)).rows.map((r) => r.id);
    const more = ids.length > q.limit;
    const page = more ? ids.slice(0, q.limit) : ids;
    const found = await this.cache.loadMany(page, async (missing) => {
      const rows = (await this.db.pool.query<JobRow>(JOBS_BY_ID, [missing])).rows;
      return new Map(rows.map((row) => [row.id, toCached(row)]));
    });
    // A job deleted between the two queries is left out.
    const items = page.map((id) => found.get(id)).filter((e): e is CachedRead => e !== undefined && e.tenant === tenant);
    return `{"items":[${items.map((e) => e.json).join(",")}],"nextCursor":${more ? JSON.stringify(page[page.length - 1]) : "null"}}`;
  }
}
