import { ExperimentViewSchema } from "../../../experiments/experiment-view.js";
import type { App } from "../../context.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

export default function cancelExperiment(app: App) {
  app.post("/v1/experiments/:id/cancel", {
    schema: {
      tags: ["experiments"],
      summary: "Cancel an experiment: queued trials are cancelled, running ones stop at their epoch's end",
      params: IdParamsSchema,
      response: { 202: ExperimentViewSchema, ...problems(400, 401, 404, 409) },
    },
    handler: async (req, reply) => reply.code(202).send(await app.services.experiments.cancel(req.tenant, req.params.id)),
  });
}
