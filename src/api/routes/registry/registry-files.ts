import { z } from "zod";
import type { FastifyReply, FastifyRequest } from "fastify";
import { AliasParamsSchema, VersionParamsSchema } from "../../../registry/registry-schema.js";
import type { Resolved } from "../../../registry/registry-service.js";
import { matches } from "../../cached-reply.js";
import type { App } from "../../context.js";
import { PredictRequestSchema, PredictResponseSchema } from "../../schemas/model.js";
import { problems } from "../../schemas/problem.js";

/**
 * Stable URLs: a version's or an alias's files, served as the model's own (GET /v1/models/:id/...).
 * model.json names its weights "weights.bin", which resolves beside it, so
 * `tf.loadLayersModel(".../aliases/production/model.json")` works unchanged. The ETag is the
 * version's: a version URL may be cached forever (its content never changes); an alias URL is
 * revalidated, and answers 304 until the alias moves.
 */
const REFS = [
  { under: "/v1/registry/:name/aliases/:alias", params: AliasParamsSchema, what: "the version the alias points at now", cache: "private, no-cache" },
  { under: "/v1/registry/:name/versions/:version", params: VersionParamsSchema, what: "this version", cache: "private, max-age=31536000, immutable" },
] as const;

type Params = { name: string; alias?: string; version?: number };
const refOf = (p: Params) => (p.version !== undefined ? { version: p.version } : { alias: p.alias! });

const DOWNLOADS = [
  { file: "model.json", type: "application/json; charset=utf-8", summary: "TF.js layers-model JSON (tf.loadLayersModel)" },
  { file: "weights.bin", type: "application/octet-stream", summary: "The weights model.json names" },
  { file: "model.keras", type: "application/zip", summary: "Keras 3 archive" },
  { file: "model.onnx", type: "application/octet-stream", summary: "ONNX with its preprocessing" },
  { file: "model.ubj", type: "application/octet-stream", summary: "XGBoost's own format" },
  { file: "baseline.json", type: "application/json; charset=utf-8", summary: "A classic model's JSON" },
  { file: "ensemble.json", type: "application/json; charset=utf-8", summary: "An AutoML ensemble's members" },
] as const;

export default function registryFiles(app: App) {
  const registry = () => app.services.registry;
  const models = () => app.services.models;

  /** Resolves the URL's version and sets its caching headers; undefined when a 304 was sent. */
  async function resolved(req: FastifyRequest, reply: FastifyReply, cache: string): Promise<Resolved | undefined> {
    const p = req.params as Params;
    const r = await registry().resolve(req.tenant, p.name, refOf(p));
    const etag = `"${r.registeredModelId}.v${r.version}"`;
    reply.header("etag", etag).header("cache-control", cache).header("treino-version", String(r.version)).header("treino-model-id", r.modelId);
    if (!matches(req.headers["if-none-match"], etag)) return r;
    await reply.code(304).send();
    return undefined;
  }

  /** The file's body, as GET /v1/models/:id/<file> serves it. */
  function body(tenant: string, modelId: string, file: (typeof DOWNLOADS)[number]["file"]): Promise<unknown> {
    if (file === "model.json") return models().modelJson(tenant, modelId);
    if (file === "weights.bin") return models().weights(tenant, modelId);
    if (file === "baseline.json") return models().baselineJson(tenant, modelId);
    if (file === "ensemble.json") return models().ensembleJson(tenant, modelId);
    return models().exportFile(tenant, modelId, file === "model.keras" ? "keras" : file === "model.onnx" ? "onnx" : "xgboost");
  }

  for (const ref of REFS) {
    for (const d of DOWNLOADS) {
      app.get(`${ref.under}/${d.file}`, {
        schema: {
          tags: ["registry"],
          summary: `${d.summary} of ${ref.what}`,
          description: `ETag of the version; Cache-Control: ${ref.cache}. Headers Treino-Version and Treino-Model-Id name what was served.`,
          params: ref.params,
          response: { 200: z.unknown(), 304: z.null().describe("Not modified: still the version of the ETag sent"), ...problems(400, 401, 404, 409) },
        },
        handler: async (req, reply) => {
          const r = await resolved(req, reply, ref.cache);
          if (!r) return reply;
          const out = await body(req.tenant, r.modelId, d.file);
          if (d.type.startsWith("application/json")) return reply.type(d.type).send(JSON.stringify(out));
          if (d.file !== "weights.bin") reply.header("content-disposition", `attachment; filename="${d.file}"`);
          return reply.type(d.type).send(out);
        },
      });
    }
    app.post(`${ref.under}/predict`, {
      schema: {
        tags: ["registry"],
        summary: `Predict raw rows with ${ref.what}`,
        description: "As POST /v1/models/:id/predict; Treino-Version and Treino-Model-Id name the version that answered.",
        params: ref.params,
        body: PredictRequestSchema,
        response: { 200: PredictResponseSchema, ...problems(400, 401, 404, 409, 413) },
      },
      handler: async (req, reply) => {
        const p = req.params as Params;
        const r = await registry().resolve(req.tenant, p.name, refOf(p));
        reply.header("treino-version", String(r.version)).header("treino-model-id", r.modelId);
        return { predictions: await models().predict(req.tenant, r.modelId, req.body.rows, req.body.explain) };
      },
    });
  }
}
