import { z } from "zod";
import { PageQuerySchema } from "../../../page.js";
import { NameParamsSchema, RegisterVersionSchema, VersionParamsSchema, VersionViewSchema } from "../../../registry/registry-schema.js";
import type { App } from "../../context.js";
import { problems } from "../../schemas/problem.js";

/** Versions: register a model, list, read, unregister. */
export default function versions(app: App) {
  app.post("/v1/registry/:name/versions", {
    schema: {
      tags: ["registry"],
      summary: "Register a trained model as the next version (1, 2, ...): immutable, with its lineage; the model cannot be deleted while registered",
      params: NameParamsSchema,
      body: RegisterVersionSchema,
      response: { 201: VersionViewSchema, ...problems(400, 401, 403, 404, 409) },
    },
    handler: async (req, reply) => reply.code(201).send(await app.services.registry.register(req.tenant, req.params.name, req.body)),
  });
  app.get("/v1/registry/:name/versions", {
    schema: {
      tags: ["registry"],
      summary: "The versions of a registered model, newest first, with their lineage and metrics",
      params: NameParamsSchema,
      querystring: PageQuerySchema,
      response: { 200: z.object({ items: z.array(VersionViewSchema), nextCursor: z.string().nullable() }), ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.registry.versions(req.tenant, req.params.name, req.query),
  });
  app.get("/v1/registry/:name/versions/:version", {
    schema: {
      tags: ["registry"],
      summary: "One version: its model, lineage, aliases and stable URLs",
      params: VersionParamsSchema,
      response: { 200: VersionViewSchema, ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.registry.version(req.tenant, req.params.name, req.params.version),
  });
  app.delete("/v1/registry/:name/versions/:version", {
    schema: {
      tags: ["registry"],
      summary: "Unregister a version (its model stays); 409 while an alias points at it. Its number is never reused.",
      params: VersionParamsSchema,
      response: { 204: z.null().describe("Unregistered"), ...problems(400, 401, 404, 409) },
    },
    handler: async (req, reply) => {
      await app.services.registry.unregister(req.tenant, req.params.name, req.params.version);
      return reply.code(204).send(null);
    },
  });
}
