import { z } from "zod";
import { AppError } from "../../../errors.js";
import { ONNX_OPSET, WEIGHTS_FILE } from "../../../training/index.js";
import type { App } from "../../context.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

/** The TF.js layers-model files: `tf.loadLayersModel("<base>/v1/models/<id>/model.json")`. */
export default function modelFiles(app: App) {
  app.get("/v1/models/:id/model.json", {
    schema: {
      tags: ["models"],
      summary: "TF.js layers-model JSON; preprocessing in userDefinedMetadata",
      description: "409 for a model that is not a TF.js network (svm, knn, trees, xgboost, ...): the message names the formats it has.",
      params: IdParamsSchema,
      response: { 200: z.record(z.string(), z.unknown()), ...problems(400, 401, 404, 409) },
    },
    handler: (req) => app.services.models.modelJson(req.tenant, req.params.id),
  });
  app.get("/v1/models/:id/model.keras", {
    schema: {
      tags: ["models"],
      summary: "The network as a Keras 3 archive: keras.saving.load_model('model.keras') opens it with no custom code",
      description:
        "Inputs are the encoded features (preprocessing.inputs order, as model.json's). 409 for a layer with no Keras 3 equivalent (an ELM's sine or RBF nodes).",
      params: IdParamsSchema,
      response: { 200: z.unknown().describe("application/zip (.keras)"), ...problems(400, 401, 404, 409) },
    },
    handler: async (req, reply) =>
      reply
        .type("application/zip")
        .header("content-disposition", 'attachment; filename="model.keras"')
        .send(await app.services.models.exportFile(req.tenant, req.params.id, "keras")),
  });
  app.get("/v1/models/:id/model.onnx", {
    schema: {
      tags: ["models"],
      summary: `The network as ONNX (opset ${ONNX_OPSET}, ai.onnx.ml 3) with its preprocessing as ONNX ops: raw columns in, probabilities (or value) out`,
      description:
        "Inputs: one per feature column, [N, 1]: float for numbers and booleans (NaN when missing), string for categories. Output `probabilities` [N, classes] in labels order (metadata `labels`), or `value` [N, 1].",
      params: IdParamsSchema,
      response: { 200: z.unknown().describe("application/octet-stream (ONNX ModelProto)"), ...problems(400, 401, 404, 409) },
    },
    handler: async (req, reply) =>
      reply
        .type("application/octet-stream")
        .header("content-disposition", 'attachment; filename="model.onnx"')
        .send(await app.services.models.exportFile(req.tenant, req.params.id, "onnx")),
  });
  app.get("/v1/models/:id/model.ubj", {
    schema: {
      tags: ["models"],
      summary: "An xgboost model in XGBoost's own format (UBJSON): xgboost.Booster().load_model('model.ubj') opens it",
      description:
        "Inputs are the encoded features (preprocessing.inputs order, as baseline.json's). The booster's attributes `preprocessing` and `labels` hold what encodes a raw row and names the outputs.",
      params: IdParamsSchema,
      response: { 200: z.unknown().describe("application/octet-stream (UBJSON)"), ...problems(400, 401, 404, 409) },
    },
    handler: async (req, reply) =>
      reply
        .type("application/octet-stream")
        .header("content-disposition", 'attachment; filename="model.ubj"')
        .send(await app.services.models.exportFile(req.tenant, req.params.id, "xgboost")),
  });
  app.get("/v1/models/:id/baseline.json", {
    schema: {
      tags: ["models"],
      summary: "A classic model in its own format, as JSON, with its preprocessing (the models whose `formats` list baseline)",
      description: "Each classic family's format is in the README (Baselines); `family` names it and `model` holds it.",
      params: IdParamsSchema,
      response: { 200: z.record(z.string(), z.unknown()), ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.models.baselineJson(req.tenant, req.params.id),
  });
  app.get("/v1/models/:id/ensemble.json", {
    schema: {
      tags: ["models"],
      summary: "An AutoML winner's members: each a candidate's fold models (averaged), with its weight",
      description:
        "The models an AutoML experiment's winner averages (weights sum to 1): each member's modelIds download and predict as any model. POST /v1/models/:id/predict runs the whole ensemble.",
      params: IdParamsSchema,
      response: { 200: z.record(z.string(), z.unknown()), ...problems(400, 401, 404) },
    },
    handler: async (req) => ({ ...(await app.services.models.ensembleJson(req.tenant, req.params.id)) }),
  });
  app.get("/v1/models/:id/:file", {
    schema: {
      tags: ["models"],
      summary: `The binary weights named in model.json (${WEIGHTS_FILE})`,
      params: IdParamsSchema.extend({ file: z.string() }),
      response: { 200: z.unknown().describe("application/octet-stream: little-endian float32 weights"), ...problems(400, 401, 404, 409) },
    },
    handler: async (req, reply) => {
      if (req.params.file !== WEIGHTS_FILE) throw new AppError("not_found", `model ${req.params.id} has no file ${req.params.file}`);
      const bytes = await app.services.models.weights(req.tenant, req.params.id);
      return reply.type("application/octet-stream").send(bytes);
    },
  });
}
