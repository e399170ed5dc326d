import type pg from "pg";
import { AppError } from "./errors.js";

/** What one audited alias move is counted as: its row, roughly. */
export const ALIAS_MOVE_BYTES = 128;

/**
 * Bytes a tenant stores: every dataset's raw pieces and typed column pieces (uploads in flight included) and every
 * model's weights and AutoML trials' kept predictions (older models' single column, newer ones' pieces, pieces being written
 * included), and the registry's lineage copies and audit rows (a move counted as ALIAS_MOVE_BYTES). Read with pg directly,
 * like the pieces themselves (src/db.ts).
 */
export async function storageUsage(pool: pg.Pool, tenant: string): Promise<number> {
  const res = await pool.query<{ bytes: string }>(
    `SELECT (SELECT COALESCE(SUM(octet_length(c."data")), 0) FROM "DatasetChunk" c JOIN "Dataset" d ON d."id" = c."datasetId" WHERE d."tenant" = $1)
          + (SELECT COALESCE(SUM(octet_length(t."data")), 0) FROM "DatasetColumn" t JOIN "Dataset" d ON d."id" = t."datasetId" WHERE d."tenant" = $1)
          + (SELECT COALESCE(SUM(octet_length(m."weightData")), 0) FROM "Model" m WHERE m."tenant" = $1)
          + (SELECT COALESCE(SUM(octet_length(w."data")), 0) FROM "ModelChunk" w WHERE w."tenant" = $1)
          + (SELECT COALESCE(SUM(octet_length(p."values") + octet_length(p."rows") + octet_length(p."truth")), 0) FROM "TrialPrediction" p WHERE p."tenant" = $1)
          + (SELECT COALESCE(SUM(octet_length(v."lineage"::text) + octet_length(COALESCE(v."note", ''))), 0) FROM "ModelVersion" v JOIN "RegisteredModel" r ON r.id = v."registeredModelId" WHERE r."tenant" = $1)
          + (SELECT COUNT(*) * $2::bigint FROM "AliasMove" a JOIN "RegisteredModel" r ON r.id = a."registeredModelId" WHERE r."tenant" = $1) AS bytes`,
    [tenant, ALIAS_MOVE_BYTES],
  );
  return Number(res.rows[0]?.bytes ?? 0);
}

/** What is left of the tenant's MAX_STORAGE_BYTES_PER_TENANT; refuses when nothing is. */
export async function remainingStorage(pool: pg.Pool, tenant: string, quota: number, what: string): Promise<number> {
  const used = await storageUsage(pool, tenant);
  if (used >= quota) {
    throw new AppError(
      "quota_exceeded",
      `${what}: this tenant stores ${used} bytes, its quota is ${quota} bytes (MAX_STORAGE_BYTES_PER_TENANT); delete datasets or models first`,
    );
  }
  return quota - used;
}
