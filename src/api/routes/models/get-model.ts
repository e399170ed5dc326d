import type { App } from "../../context.js";
import { ModelSchema } from "../../schemas/model.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

export default function getModel(app: App) {
  app.get("/v1/models/:id", {
    schema: { tags: ["models"], summary: "A trained model: summary, metrics, preprocessing", params: IdParamsSchema, response: { 200: ModelSchema, ...problems(400, 401, 404) } },
    handler: (req) => app.services.models.get(req.tenant, req.params.id),
  });
}
