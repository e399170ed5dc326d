import type { App } from "../../context.js";
import { JobSchema } from "../../schemas/job.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

export default function getJob(app: App) {
  app.get("/v1/jobs/:id", {
    schema: { tags: ["jobs"], summary: "A job: status, progress, history, metrics", params: IdParamsSchema, response: { 200: JobSchema, ...problems(400, 401, 404) } },
    handler: (req) => app.services.jobs.get(req.tenant, req.params.id),
  });
}
