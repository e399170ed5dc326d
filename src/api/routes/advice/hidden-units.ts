import type { App } from "../../context.js";
import { AdviceRequestSchema, AdviceSchema } from "../../../experiments/advice-service.js";
import { problems } from "../../schemas/problem.js";

/** POST /v1/advice/hidden-units: how many hidden neurons, by the rules of thumb, for this dataset. */
export default function hiddenUnitsAdvice(app: App) {
  app.post("/v1/advice/hidden-units", {
    schema: {
      tags: ["experiments"],
      summary: "Rules of thumb for the number of hidden neurons on this dataset, and a search space from them",
      body: AdviceRequestSchema,
      response: { 200: AdviceSchema, ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.advice.hiddenUnits(req.tenant, req.body),
  });
}
