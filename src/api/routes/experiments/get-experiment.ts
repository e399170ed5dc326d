import { z } from "zod";
import { ExperimentViewSchema } from "../../../experiments/experiment-view.js";
import { PageQuerySchema } from "../../../page.js";
import type { App } from "../../context.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

/** GET /v1/experiments/:id (the leaderboard live as trials end) and the tenant's list. */
export default function getExperiment(app: App) {
  app.get("/v1/experiments/:id", {
    schema: {
      tags: ["experiments"],
      summary: "An experiment: trials, leaderboard so far, paired comparisons, best candidate",
      params: IdParamsSchema,
      response: { 200: ExperimentViewSchema, ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.experiments.get(req.tenant, req.params.id),
  });
  app.get("/v1/experiments", {
    schema: {
      tags: ["experiments"],
      summary: "List experiments, newest first",
      querystring: PageQuerySchema,
      response: { 200: z.object({ items: z.array(ExperimentViewSchema), nextCursor: z.string().nullable() }), ...problems(400, 401) },
    },
    handler: (req) => app.services.experiments.list(req.tenant, req.query),
  });
}
