import { z } from "zod";
import type { App } from "../../context.js";
import { sendCached } from "../../cached-reply.js";
import { JobSchema } from "../../schemas/job.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

export default function getJob(app: App) {
  app.get("/v1/jobs/:id", {
    schema: {
      tags: ["jobs"],
      summary: "A job: status, progress, history, metrics",
      description: "Sends an ETag: poll with If-None-Match and get 304 (no body) until the job changes.",
      params: IdParamsSchema,
      response: { 200: JobSchema, 304: z.null().describe("Not modified since the ETag sent (If-None-Match)"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => sendCached(req, reply, await app.services.jobReads.get(req.tenant, req.params.id)),
  });
}
