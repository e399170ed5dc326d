import type { App } from "../../context.js";
import { PageQuerySchema } from "../../../page.js";
import { DatasetListSchema } from "../../schemas/dataset.js";
import { problems } from "../../schemas/problem.js";

export default function listDatasets(app: App) {
  app.get("/v1/datasets", {
    schema: {
      tags: ["datasets"],
      summary: "List datasets, newest first",
      querystring: PageQuerySchema,
      response: { 200: DatasetListSchema, ...problems(400, 401) },
    },
    handler: (req) => app.services.datasets.list(req.tenant, req.query),
  });
}
