import { ExperimentRequestSchema } from "../../../experiments/experiment-request.js";
import { ExperimentViewSchema } from "../../../experiments/experiment-view.js";
import type { App } from "../../context.js";
import { problems } from "../../schemas/problem.js";

/** POST /v1/experiments: a compare or a search; every trial is a job, run as a BullMQ flow. */
export default function createExperiment(app: App) {
  app.post("/v1/experiments", {
    schema: {
      tags: ["experiments"],
      summary: "Compare candidates, or search a space (grid, random, genetic), on the same rows or folds",
      description: "Every candidate (and fold) is validated as the job it becomes before anything is queued; a 400 names the candidate.",
      body: ExperimentRequestSchema,
      response: { 202: ExperimentViewSchema, ...problems(400, 401, 403, 404, 429, 503) },
    },
    handler: async (req, reply) => {
      const view = await app.services.experiments.create(req.tenant, req.body);
      return reply.code(202).header("location", `/v1/experiments/${view.id}`).send(view);
    },
  });
}
