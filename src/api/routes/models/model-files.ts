import { z } from "zod";
import { AppError } from "../../../errors.js";
import { WEIGHTS_FILE } from "../../../training/index.js";
import type { App } from "../../context.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

/** The TF.js layers-model files: `tf.loadLayersModel("<base>/v1/models/<id>/model.json")`. */
export default function modelFiles(app: App) {
  app.get("/v1/models/:id/model.json", {
    schema: {
      tags: ["models"], summary: "TF.js layers-model JSON; preprocessing in userDefinedMetadata",
      params: IdParamsSchema, response: { 200: z.record(z.string(), z.unknown()), ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.models.modelJson(req.tenant, req.params.id),
  });
  app.get("/v1/models/:id/baseline.json", {
    schema: {
      tags: ["models"], summary: "A classic baseline (svm, knn, decisionTree, randomForest, naiveBayes) as JSON, with its preprocessing",
      description: "The format is in the README (Baselines): libsvm's model text for an SVM, flat trees for forests, the rows for kNN, means and variances for naive Bayes.",
      params: IdParamsSchema, response: { 200: z.record(z.string(), z.unknown()), ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.models.baselineJson(req.tenant, req.params.id),
  });
  app.get("/v1/models/:id/:file", {
    schema: {
      tags: ["models"], summary: `The binary weights named in model.json (${WEIGHTS_FILE})`,
      params: IdParamsSchema.extend({ file: z.string() }),
      response: { 200: z.unknown().describe("application/octet-stream: little-endian float32 weights"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      if (req.params.file !== WEIGHTS_FILE) throw new AppError("not_found", `model ${req.params.id} has no file ${req.params.file}`);
      const bytes = await app.services.models.weights(req.tenant, req.params.id);
      return reply.type("application/octet-stream").send(bytes);
    },
  });
}
