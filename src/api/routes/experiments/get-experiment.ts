import { z } from "zod";
import { ExperimentViewSchema } from "../../../experiments/experiment-view.js";
import { PageQuerySchema } from "../../../page.js";
import type { App } from "../../context.js";
import { sendCached } from "../../cached-reply.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

/** GET /v1/experiments/:id (the leaderboard live as trials end) and the tenant's list. */
export default function getExperiment(app: App) {
  app.get("/v1/experiments/:id", {
    schema: {
      tags: ["experiments"],
      summary: "An experiment: trials, leaderboard so far, paired comparisons, best candidate",
      description: "Sends an ETag: poll with If-None-Match and get 304 (no body) until a trial or the experiment changes.",
      params: IdParamsSchema,
      response: { 200: ExperimentViewSchema, 304: z.null().describe("Not modified since the ETag sent (If-None-Match)"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => sendCached(req, reply, await app.services.experiments.read(req.tenant, req.params.id)),
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
