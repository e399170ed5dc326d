import { z } from "zod";
import type { App } from "../../context.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

export default function deleteDataset(app: App) {
  app.delete("/v1/datasets/:id", {
    schema: {
      tags: ["datasets"],
      summary: "Delete a dataset (jobs and models trained on it stay)",
      params: IdParamsSchema,
      response: { 204: z.null().describe("Deleted"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      await app.services.datasets.delete(req.tenant, req.params.id);
      return reply.code(204).send(null);
    },
  });
}
