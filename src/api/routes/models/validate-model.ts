import { ValidateRequestSchema, ValidateResultSchema as ValidateResponseSchema } from "../../../models/dry-run.js";
import type { App } from "../../context.js";
import { problems } from "../../schemas/problem.js";

/** POST /v1/models/validate: a dry run of a model spec, nothing queued. */
export default function validateModelRoute(app: App) {
  app.post("/v1/models/validate", {
    schema: {
      tags: ["models"],
      summary: "Dry run: Keras-style summary, parameter count, memory estimate and warnings for a model spec",
      body: ValidateRequestSchema,
      response: { 200: ValidateResponseSchema, ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.models.validate(req.tenant, req.body),
  });
}
