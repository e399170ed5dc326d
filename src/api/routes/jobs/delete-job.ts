import { z } from "zod";
import type { App } from "../../context.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

export default function deleteJob(app: App) {
  app.delete("/v1/jobs/:id", {
    schema: {
      tags: ["jobs"],
      summary: "Delete a job with its history, plots and model; a queued or running one is cancelled first",
      params: IdParamsSchema,
      response: { 204: z.null().describe("Deleted"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      const modelId = await app.services.jobs.delete(req.tenant, req.params.id);
      if (modelId) app.services.models.forget(modelId);
      return reply.code(204).send(null);
    },
  });
}
