import { z } from "zod";
import { JOB_STATUSES } from "../../../jobs/job-view.js";
import { PageQuerySchema } from "../../../page.js";
import type { App } from "../../context.js";
import { JobListSchema } from "../../schemas/job.js";
import { problems } from "../../schemas/problem.js";

export default function listJobs(app: App) {
  app.get("/v1/jobs", {
    schema: {
      tags: ["jobs"],
      summary: "List jobs, newest first",
      querystring: PageQuerySchema.extend({ status: z.enum(JOB_STATUSES).optional() }),
      response: { 200: JobListSchema, ...problems(400, 401) },
    },
    // JSON text assembled from the cached job views (src/jobs/job-reads.ts), sent as it is.
    handler: async (req, reply) => reply.type("application/json; charset=utf-8").send((await app.services.jobReads.list(req.tenant, req.query)) as never),
  });
}
