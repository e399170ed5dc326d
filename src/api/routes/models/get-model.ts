import { z } from "zod";
import { sendCached } from "../../cached-reply.js";
import type { App } from "../../context.js";
import { ModelSchema } from "../../schemas/model.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

export default function getModel(app: App) {
  app.get("/v1/models/:id", {
    schema: {
      tags: ["models"],
      summary: "A trained model: summary, metrics, preprocessing",
      description: "Sends an ETag: If-None-Match gets 304 (no body) while the model is unchanged.",
      params: IdParamsSchema,
      response: { 200: ModelSchema, 304: z.null().describe("Not modified since the ETag sent (If-None-Match)"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => sendCached(req, reply, await app.services.modelReads.get(req.tenant, req.params.id)),
  });
}
