import type { App } from "../../context.js";
import { PredictRequestSchema, PredictResponseSchema } from "../../schemas/model.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

export default function predict(app: App) {
  app.post("/v1/models/:id/predict", {
    schema: {
      tags: ["models"],
      summary: "Predict raw rows; the stored preprocessing is applied",
      params: IdParamsSchema,
      body: PredictRequestSchema,
      response: { 200: PredictResponseSchema, ...problems(400, 401, 404, 413) },
    },
    handler: async (req) => ({ predictions: await app.services.models.predict(req.tenant, req.params.id, req.body.rows, req.body.explain) }),
  });
}
