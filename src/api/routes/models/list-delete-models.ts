import { z } from "zod";
import { PageQuerySchema } from "../../../page.js";
import type { App } from "../../context.js";
import { ModelSchema } from "../../schemas/model.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

/** GET /v1/models (paged, by job or dataset) and DELETE /v1/models/:id. */
export default function listDeleteModels(app: App) {
  app.get("/v1/models", {
    schema: {
      tags: ["models"],
      summary: "List trained models, newest first",
      querystring: PageQuerySchema.extend({ jobId: z.string().uuid().optional(), datasetId: z.string().uuid().optional() }),
      response: { 200: z.object({ items: z.array(ModelSchema), nextCursor: z.string().nullable() }), ...problems(400, 401) },
    },
    handler: (req) => app.services.models.list(req.tenant, req.query),
  });
  app.delete("/v1/models/:id", {
    schema: {
      tags: ["models"],
      summary: "Delete a model and its weights (its job stays)",
      params: IdParamsSchema,
      response: { 204: z.null().describe("Deleted"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      await app.services.models.delete(req.tenant, req.params.id);
      return reply.code(204).send(null);
    },
  });
}
