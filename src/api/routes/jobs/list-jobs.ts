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
      querystring: PageQuerySchema.extend({
        status: z.enum(JOB_STATUSES).optional(),
        trials: z.enum(["true", "false"]).optional().describe("false: leave out experiments' trials (an AutoML run has hundreds); true: only them"),
        experimentId: z.string().uuid().optional().describe("Only this experiment's jobs (its trials, and an AutoML winner's job)"),
      }),
      response: { 200: JobListSchema, ...problems(400, 401) },
    },
    // JSON text assembled from the cached job views (src/jobs/job-reads.ts), sent as it is.
    handler: async (req, reply) => reply.type("application/json; charset=utf-8").send((await app.services.jobReads.list(req.tenant, req.query)) as never),
  });
}
