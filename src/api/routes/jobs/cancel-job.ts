import type { App } from "../../context.js";
import { JobSchema } from "../../schemas/job.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

export default function cancelJob(app: App) {
  app.post("/v1/jobs/:id/cancel", {
    schema: {
      tags: ["jobs"],
      summary: "Cancel a job; a running one stops at the end of its current epoch",
      params: IdParamsSchema,
      response: { 202: JobSchema, ...problems(400, 401, 404, 409) },
    },
    handler: async (req, reply) => reply.code(202).send(await app.services.jobs.cancel(req.tenant, req.params.id)),
  });
}
