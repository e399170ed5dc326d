import { z } from "zod";
import {
  AliasMoveSchema,
  AliasParamsSchema,
  AliasViewSchema,
  AuditQuerySchema,
  MoveAliasSchema,
  NameParamsSchema,
  VersionViewSchema,
} from "../../../registry/registry-schema.js";
import type { App } from "../../context.js";
import { problems } from "../../schemas/problem.js";

/** Aliases: move (with an optional metric guard), read, delete, and the audit list of moves. */
export default function aliases(app: App) {
  app.put("/v1/registry/:name/aliases/:alias", {
    schema: {
      tags: ["registry"],
      summary: "Point an alias (production, staging, ...) at a version; every move is audited",
      description:
        "With ifMetricAtLeast {metric, of}, refused (409, both numbers) when the version's held-out metric is worse than that of the version the `of` alias points at, or when the two were not tested on the same data (dataset content hash). For loss, logLoss, rmse and mae, lower is better.",
      params: AliasParamsSchema,
      body: MoveAliasSchema,
      response: { 200: AliasViewSchema, ...problems(400, 401, 403, 404, 409) },
    },
    handler: (req) => app.services.registry.moveAlias(req.tenant, req.params.name, req.params.alias, req.body),
  });
  app.get("/v1/registry/:name/aliases/:alias", {
    schema: {
      tags: ["registry"],
      summary: "The version an alias points at now",
      params: AliasParamsSchema,
      response: { 200: VersionViewSchema, ...problems(400, 401, 404) },
    },
    handler: async (req) => {
      const { version } = await app.services.registry.resolve(req.tenant, req.params.name, { alias: req.params.alias });
      return app.services.registry.version(req.tenant, req.params.name, version);
    },
  });
  app.delete("/v1/registry/:name/aliases/:alias", {
    schema: {
      tags: ["registry"],
      summary: "Delete an alias (recorded in the audit list); its URLs answer 404 from then on",
      params: AliasParamsSchema,
      response: { 204: z.null().describe("Deleted"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      await app.services.registry.deleteAlias(req.tenant, req.params.name, req.params.alias);
      return reply.code(204).send(null);
    },
  });
  app.get("/v1/registry/:name/audit", {
    schema: {
      tags: ["registry"],
      summary: "Every alias move (from, to, when, by which tenant's key), newest first",
      params: NameParamsSchema,
      querystring: AuditQuerySchema,
      response: { 200: z.object({ items: z.array(AliasMoveSchema), nextBefore: z.number().int().nullable() }), ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.registry.audit(req.tenant, req.params.name, req.query),
  });
}
