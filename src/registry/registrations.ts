import type { Pool } from "pg";
import { AppError } from "../errors.js";
import type { Registration } from "./registry-schema.js";

/**
 * Where models are registered, for their views, and the refusal to delete a model a registry
 * version needs. The models' and jobs' services call these; this file imports no service.
 */

/** SQL for the registrations of the model whose id is `modelId` (an SQL expression): a JSON array of {name, version, aliases}. */
export const registrationsJson = (modelId: string) => `COALESCE((
    SELECT json_agg(json_build_object('name', r.name, 'version', v.version, 'aliases', COALESCE((
      SELECT json_agg(a.alias ORDER BY a.alias) FROM "ModelAlias" a WHERE a."registeredModelId" = v."registeredModelId" AND a.version = v.version), '[]'))
      ORDER BY r.name, v.version)
    FROM "ModelVersion" v JOIN "RegisteredModel" r ON r.id = v."registeredModelId" WHERE v."modelId" = ${modelId}), '[]')`;

/** The registrations of the models $1 (uuid[]). */
const REGISTRATIONS_OF = `SELECT m.id, ${registrationsJson("m.id")} AS registered FROM unnest($1::uuid[]) AS m(id)`;

/** The registrations of each of these models (one query). */
export async function registrationsOf(pool: Pool, modelIds: string[]): Promise<Map<string, Registration[]>> {
  if (modelIds.length === 0) return new Map();
  const { rows } = await pool.query<{ id: string; registered: Registration[] }>(REGISTRATIONS_OF, [modelIds]);
  return new Map(rows.map((r) => [r.id, r.registered]));
}

/** The registry versions that need a model (their own, or an ensemble's member), by the model ($1) or by its job ($1). */
const pins = (by: "model" | "job") => `
  SELECT p."modelId", r.name, v.version, v."modelId" = p."modelId" AS own
  FROM "VersionPin" p JOIN "ModelVersion" v ON v.id = p."versionId" JOIN "RegisteredModel" r ON r.id = v."registeredModelId"
  JOIN "Model" m ON m.id = p."modelId"
  WHERE ${by === "model" ? "m.id" : 'm."jobId"'} = $1::uuid
  ORDER BY r.name, v.version LIMIT 4`;
const PINS_OF_MODEL = pins("model");
const PINS_OF_JOB = pins("job");

/**
 * A 409 naming the registry versions that need this model (or the model of this job), if any:
 * a registered version keeps serving its URLs, so what it serves cannot be deleted under it.
 */
export async function refuseIfRegistered(pool: Pool, by: { modelId: string } | { jobId: string }): Promise<void> {
  const id = "modelId" in by ? by.modelId : by.jobId;
  const { rows } = await pool.query<{ modelId: string; name: string; version: number; own: boolean }>("modelId" in by ? PINS_OF_MODEL : PINS_OF_JOB, [id]);
  if (rows.length === 0) return;
  const first = rows[0]!;
  const what = first.own ? `is version ${first.version} of '${first.name}'` : `is a member of the ensemble that is version ${first.version} of '${first.name}'`;
  const more = rows.length > 1 ? " (and other versions)" : "";
  throw new AppError("conflict", `model ${first.modelId} ${what}${more}: unregister it first (DELETE /v1/registry/${first.name}/versions/${first.version})`);
}

/** Postgres's foreign key violation, as pg or Prisma's adapter reports it. */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string; originalCode?: string }; meta?: { code?: string } } | null;
  return e?.code === "23503" || e?.code === "P2003" || e?.cause?.code === "23503" || e?.cause?.originalCode === "23503" || e?.meta?.code === "23503";
}

/**
 * Runs a delete that would take a model (directly, or by cascade from its job): refused with a 409
 * when a registry version needs it, checked before and, for a version registered meanwhile, by
 * the foreign keys at the delete itself.
 */
export async function deleteUnlessRegistered<T>(pool: Pool, by: { modelId: string } | { jobId: string }, del: () => Promise<T>): Promise<T> {
  await refuseIfRegistered(pool, by);
  try {
    return await del();
  } catch (err) {
    if (!isForeignKeyViolation(err)) throw err;
    await refuseIfRegistered(pool, by);
    throw new AppError("conflict", "a registry version needs this model: unregister it first");
  }
}
