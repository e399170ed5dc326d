import { z } from "zod";
import { PageQuerySchema } from "../../../page.js";
import { CreateRegisteredModelSchema, NameParamsSchema, RegisteredModelViewSchema } from "../../../registry/registry-schema.js";
import type { App } from "../../context.js";
import { problems } from "../../schemas/problem.js";

/** POST, GET /v1/registry; GET, DELETE /v1/registry/:name. */
export default function registeredModels(app: App) {
  app.post("/v1/registry", {
    schema: {
      tags: ["registry"],
      summary: "Create a registered model: a name (unique per tenant) that versions are registered under",
      body: CreateRegisteredModelSchema,
      response: { 201: RegisteredModelViewSchema, ...problems(400, 401, 403, 409) },
    },
    handler: async (req, reply) => reply.code(201).send(await app.services.registry.create(req.tenant, req.body)),
  });
  app.get("/v1/registry", {
    schema: {
      tags: ["registry"],
      summary: "List the tenant's registered models, newest first",
      querystring: PageQuerySchema,
      response: { 200: z.object({ items: z.array(RegisteredModelViewSchema), nextCursor: z.string().nullable() }), ...problems(400, 401) },
    },
    handler: (req) => app.services.registry.list(req.tenant, req.query),
  });
  app.get("/v1/registry/:name", {
    schema: {
      tags: ["registry"],
      summary: "A registered model: its aliases, newest version and count of versions",
      params: NameParamsSchema,
      response: { 200: RegisteredModelViewSchema, ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.registry.get(req.tenant, req.params.name),
  });
  app.delete("/v1/registry/:name", {
    schema: {
      tags: ["registry"],
      summary: "Delete a registered model with its versions and audit list (the models stay): 409 while an alias points into it",
      params: NameParamsSchema,
      response: { 204: z.null().describe("Deleted"), ...problems(400, 401, 404, 409) },
    },
    handler: async (req, reply) => {
      await app.services.registry.delete(req.tenant, req.params.name);
      return reply.code(204).send(null);
    },
  });
}
