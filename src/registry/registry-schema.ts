import { z } from "zod";

/**
 * The model registry's HTTP contract (OpenAPI is generated from it) and the service's types: one
 * definition each. Names go into URLs as they are, so they are URL-safe by construction.
 */

/** A registered model's name: URL-safe, unique per tenant. */
export const NameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit")
  .describe("URL-safe, unique per tenant (e.g. titanic-survival)");

/** An alias: lowercase, and never `v<digits>` (which would read as a version). */
export const AliasNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, "1 to 32 lowercase letters, digits, '_' or '-', starting with a letter")
  .refine((a) => !/^v\d+$/.test(a), "v<digits> reads as a version number: choose another alias")
  .describe("e.g. production, staging, champion");

/** A version number in a path: digits only (no 1e3, 0x10 or +1), 1 to 2^31 - 1. */
export const VersionNumberSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, "a version number: 1, 2, ...")
  .transform(Number)
  .refine((n) => n <= 2_147_483_647, "a version number: 1, 2, ...");

export const NameParamsSchema = z.object({ name: NameSchema });
export const VersionParamsSchema = z.object({ name: NameSchema, version: VersionNumberSchema });
export const AliasParamsSchema = z.object({ name: NameSchema, alias: AliasNameSchema });

export const CreateRegisteredModelSchema = z
  .object({ name: NameSchema, description: z.string().max(2_000).optional() })
  .strict()
  .describe("A name for the models an app uses; versions are registered under it");
export type CreateRegisteredModel = z.infer<typeof CreateRegisteredModelSchema>;

export const RegisterVersionSchema = z
  .object({ modelId: z.string().uuid().describe("A trained model of this tenant (GET /v1/models)"), note: z.string().max(2_000).optional() })
  .strict();
export type RegisterVersion = z.infer<typeof RegisterVersionSchema>;

/** Metrics the guard compares (a model's held-out metrics); for loss, rmse and mae lower is better. */
export const GUARD_METRICS = ["accuracy", "balancedAccuracy", "macroF1", "rocAuc", "logLoss", "loss", "r2", "rmse", "mae"] as const;
export const LOWER_IS_BETTER = new Set(["logLoss", "loss", "rmse", "mae"]);

export const MoveAliasSchema = z
  .object({
    version: z.number().int().min(1).max(2_147_483_647),
    ifMetricAtLeast: z
      .object({ metric: z.enum(GUARD_METRICS), of: AliasNameSchema.describe("The alias whose version the new one must match or beat") })
      .strict()
      .optional()
      .describe("Refuse the move (409, both numbers) when the version's held-out metric is worse than the `of` alias's version's on the same data"),
  })
  .strict();
export type MoveAlias = z.infer<typeof MoveAliasSchema>;

/** Where a version serves its files: the same files a model has, at a URL that names the version. */
const UrlsSchema = z.record(z.string(), z.string()).describe("Stable URLs by file (model.json, model.onnx, predict, ...)");

export const LineageSchema = z
  .object({
    jobId: z.string().uuid(),
    experimentId: z.string().uuid().nullable(),
    type: z.string().describe("The model's family (or ensemble)"),
    target: z.string(),
    features: z.array(z.string()),
    spec: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("The job's validated request (model, training, split); in GET .../versions/:n, not in the list (a page of specs could be large)"),
    dataset: z.object({ id: z.string().uuid().nullable(), name: z.string().nullable(), sha256: z.string().nullable(), rows: z.number().int().nullable() }),
    metrics: z.record(z.string(), z.unknown()).describe("The model's metrics: test, validation, cross-validation"),
    trainedAt: z.string(),
  })
  .describe("Where the version came from, copied when it was registered: it survives the job or dataset being deleted");
export type Lineage = z.infer<typeof LineageSchema>;

export const VersionViewSchema = z.object({
  id: z.string().uuid(),
  name: NameSchema,
  version: z.number().int(),
  modelId: z.string().uuid(),
  note: z.string().nullable(),
  aliases: z.array(z.string()).describe("The aliases pointing at this version now"),
  lineage: LineageSchema,
  createdBy: z.string().describe("The tenant whose key registered it"),
  createdAt: z.string(),
  urls: UrlsSchema,
});
export type VersionView = z.infer<typeof VersionViewSchema>;

export const AliasMoveSchema = z.object({
  id: z.number().int(),
  alias: z.string(),
  from: z.number().int().nullable().describe("null: the alias was created"),
  to: z.number().int().nullable().describe("null: the alias was deleted"),
  tenant: z.string().describe("The tenant whose key moved it"),
  at: z.string(),
});
export type AliasMoveView = z.infer<typeof AliasMoveSchema>;

export const RegisteredModelViewSchema = z.object({
  id: z.string().uuid(),
  name: NameSchema,
  description: z.string().nullable(),
  createdAt: z.string(),
  latestVersion: z.number().int().nullable(),
  versions: z.number().int().describe("How many versions it holds"),
  aliases: z.record(z.string(), z.number().int()).describe("alias → version"),
});
export type RegisteredModelView = z.infer<typeof RegisteredModelViewSchema>;

export const AliasViewSchema = z.object({
  name: NameSchema,
  alias: z.string(),
  version: z.number().int(),
  previous: z.number().int().nullable().describe("The version it pointed at before this move"),
  moved: z.boolean().describe("false when it already pointed at that version (nothing recorded)"),
  guard: z
    .object({
      metric: z.string(),
      part: z.string(),
      version: z.number(),
      of: z.string(),
      current: z.number().nullable(),
      ofValue: z.number().nullable(),
      passed: z.boolean(),
      why: z.string(),
    })
    .optional(),
  urls: UrlsSchema,
});
export type AliasView = z.infer<typeof AliasViewSchema>;

/** Where a model is registered, for the model's and its job's views. */
export const RegistrationSchema = z.object({ name: z.string(), version: z.number().int(), aliases: z.array(z.string()) });
export type Registration = z.infer<typeof RegistrationSchema>;

export const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.coerce.number().int().min(1).max(2_147_483_647).optional().describe("The id of the last move seen (older ones follow)"),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
