import type { App } from "../../context.js";
import { DatasetSchema } from "../../schemas/dataset.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

export default function getDataset(app: App) {
  app.get("/v1/datasets/:id", {
    schema: {
      tags: ["datasets"],
      summary: "A dataset and its column profile",
      params: IdParamsSchema,
      response: { 200: DatasetSchema, ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.datasets.get(req.tenant, req.params.id),
  });
}
