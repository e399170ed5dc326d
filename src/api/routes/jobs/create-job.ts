import { z } from "zod";
import { JobRequestSchema } from "../../../training/index.js";
import { WebhookUrlSchema } from "../../../webhooks/webhook-url.js";
import type { App } from "../../context.js";
import { JobSchema } from "../../schemas/job.js";
import { problems } from "../../schemas/problem.js";

/** POST /v1/jobs: validate, record and enqueue a training job. */
export default function createJob(app: App) {
  app.post("/v1/jobs", {
    schema: {
      tags: ["jobs"],
      summary: "Queue a training job",
      body: JobRequestSchema.extend({ webhookUrl: WebhookUrlSchema }),
      headers: z.object({ "idempotency-key": z.string().max(200).optional() }),
      response: { 202: JobSchema, ...problems(400, 401, 403, 404, 409, 429, 503) },
    },
    handler: async (req, reply) => {
      const { webhookUrl, ...request } = req.body;
      const { job } = await app.services.jobs.create(req.tenant, request, req.headers["idempotency-key"], webhookUrl);
      return reply.code(202).header("location", `/v1/jobs/${job.id}`).send(job);
    },
  });
}
