import { z } from "zod";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { AppError, requireTenant } from "../errors.js";
import type { Model } from "../../generated/prisma/client.js";
import { pageArgs, toPage, type Page, type PageQuery } from "../page.js";
import { LRUCache } from "lru-cache";
import { byteCache } from "../byte-cache.js";
import {
  explainingFamilies,
  foldToColumns,
  inputColumns,
  rowContributions,
  type ColumnContributions,
  argmax,
  encodeRow,
  formatsOf,
  modelJson,
  ModelSummarySchema,
  readStoredPreprocessing,
  type StoredPreprocessing,
  readWeightSpecs,
  servingOf,
  SpecError,
  type ExportFormat,
  type FormatName,
  type Predictor,
  type StoredArtifacts,
} from "../training/index.js";
import { validateModel, type ValidateRequest, type ValidateResult } from "./dry-run.js";
import { WeightStore } from "../weight-store.js";
import { ownField } from "../tables/jsonl.js";
import { buildInThread } from "./export-thread.js";
import { ENSEMBLE_TYPE, type EnsembleFile } from "../ensemble-file.js";
import { ensembleOnnx, predictEnsemble } from "./ensemble-model.js";
import { downloadsOf, FILES } from "../model-files.js";
import { deleteUnlessRegistered, registrationsOf } from "../registry/registrations.js";
import { RegistrationSchema, type Registration } from "../registry/registry-schema.js";

/** A trained model as clients see it: the response schema (OpenAPI) and the service's type, one definition. */
export const ModelViewSchema = z.object({
  id: z.string().uuid(),
  jobId: z.string().uuid(),
  type: z.string(),
  summary: ModelSummarySchema,
  metrics: z.record(z.string(), z.unknown()),
  target: z.string(),
  features: z.array(z.string()),
  labels: z.array(z.string()),
  /** A StoredPreprocessing, as JSON. */
  preprocessing: z.record(z.string(), z.unknown()).describe("Feature encodings, input order, labels"),
  formats: z
    .array(z.object({ format: z.enum(["tfjs", "keras", "onnx", "baseline", "xgboost", "ensemble"]), url: z.string() }))
    .describe("The files this model downloads as (MLflow's flavors): TF.js layers model, Keras 3 archive, ONNX, a baseline's JSON, or XGBoost's model.ubj"),
  registered: z.array(RegistrationSchema).describe("The registry versions this model is (GET /v1/registry/:name), with their aliases"),
  createdAt: z.string(),
});
export type ModelView = z.infer<typeof ModelViewSchema>;

import { PredictionSchema, type Prediction } from "./prediction.js";
export { PredictionSchema, type Prediction };

/** The model's files, as its family serves them. */
const formatsOfRow = (m: ModelRow): FormatName[] => formatsOf(m.type, m.topology as object);

const downloads = (m: ModelRow): ModelView["formats"] =>
  downloadsOf(m.type, m.topology as object).map(({ format, file }) => ({ format, url: `/v1/models/${m.id}/${file}` }));

function toModelView(m: ModelRow, registered: Registration[] = []): ModelView {
  return {
    id: m.id,
    jobId: m.jobId,
    type: m.type,
    summary: ModelSummarySchema.parse(m.summary),
    metrics: m.metrics as Record<string, unknown>,
    target: m.target,
    features: m.features as string[],
    labels: m.labels as string[],
    preprocessing: m.preprocessing as Record<string, unknown>,
    formats: downloads(m),
    registered,
    createdAt: m.createdAt.toISOString(),
  };
}

/** What a downloaded file says of its model: ids, columns, labels and the preprocessing that feeds it. */
function aboutModel(m: ModelRow) {
  const v = toModelView(m);
  return { modelId: v.id, jobId: v.jobId, target: v.target, features: v.features, labels: v.labels, preprocessing: v.preprocessing };
}

/** A model row without its weights, which can be large: they are read only when needed. */
type ModelRow = Omit<Model, "weightData">;

const artifactsOf = (m: ModelRow, weightData: Buffer): StoredArtifacts => ({
  topology: m.topology as object,
  weightSpecs: readWeightSpecs(m.weightSpecs),
  weightData,
});

/** The files this model downloads as, for messages. */
const filesOf = (m: ModelRow) =>
  formatsOfRow(m)
    .map((f) => FILES[f])
    .join(", ");

/** The 404 of a file this model does not have, saying which it has. */
function noFile(m: ModelRow, file: string): AppError {
  return new AppError("not_found", `model ${m.id} (a ${m.type}) has no ${file}: it downloads as ${filesOf(m)} (GET /v1/models/${m.id}/<file>)`);
}

/** Every model has a TF.js URL; one that is not a TF.js model is a 409 naming the formats it has. */
function notTfjs(m: ModelRow, file: string): AppError {
  return new AppError(
    "conflict",
    `model ${m.id} (a ${m.type}) is not a TF.js layers model, so it has no ${file}: it downloads as ${filesOf(m)} (GET /v1/models/${m.id}/<file>)`,
  );
}

function explained(f: ColumnContributions, row: number, group: number, units: "log-odds" | "margin" | "value") {
  const { bias, columns } = rowContributions(f, row, group);
  return { units, bias, contributions: columns };
}

/** Models kept loaded for /predict. */
const LOADED_MODELS = 16;

/** Trained models: metadata, the TF.js layers-model download, and predictions on raw rows. */
export class ModelService {
  /** Loaded models by id; the least recently used is disposed past LOADED_MODELS. */
  /** Models' parsed preprocessing by id (models never change once trained): /predict reads it on every call. */
  private readonly preprocessings = new LRUCache<string, StoredPreprocessing>({ max: 4 * LOADED_MODELS });
  private readonly loaded = new LRUCache<string, Promise<Predictor>>({
    max: LOADED_MODELS,
    dispose: (entry) =>
      void entry.then(
        (m) => m.dispose(),
        () => undefined,
      ),
  });
  /** Export files already built (models never change once trained), by `<id>:<format>`, within READ_CACHE_BYTES. */
  private readonly exports: LRUCache<string, Buffer>;
  /** Export files being built, by `<id>:<format>`. */
  private readonly building = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    /** Told the cache keys this service changed (the model's, its job's), so cached reads drop at once. */
    private readonly changed: (key: string) => void = () => undefined,
  ) {
    this.exports = byteCache<Buffer>(config.READ_CACHE_BYTES, (b) => b.length);
  }

  private async find(tenant: string, id: string): Promise<ModelRow> {
    const m = await this.db.model.findFirst({ where: { id, tenant }, omit: { weightData: true } });
    if (!m) throw new AppError("not_found", `model ${id} not found`);
    return m;
  }

  /** A dry run of a model spec (POST /v1/models/validate). */
  validate(tenant: string, body: ValidateRequest): Promise<ValidateResult> {
    requireTenant(tenant);
    return validateModel(this.db, this.config, tenant, body);
  }

  async get(tenant: string, id: string): Promise<ModelView> {
    requireTenant(tenant);
    const m = await this.find(tenant, id);
    return toModelView(m, (await registrationsOf(this.db.pool, [m.id])).get(m.id));
  }

  /** The tenant's models, newest first, optionally those of one job or one dataset. */
  async list(tenant: string, q: PageQuery & { jobId?: string; datasetId?: string }): Promise<Page<ModelView>> {
    requireTenant(tenant);
    if (q.cursor && !(await this.db.model.findFirst({ where: { id: q.cursor, tenant }, select: { id: true } }))) {
      throw new AppError("validation_failed", "cursor is not one of this tenant's models", [{ path: "cursor", message: "unknown cursor" }]);
    }
    const where = { tenant, ...(q.jobId ? { jobId: q.jobId } : {}), ...(q.datasetId ? { job: { datasetId: q.datasetId } } : {}) };
    const rows = await this.db.model.findMany({ where, omit: { weightData: true }, ...pageArgs(q) });
    const registered = await registrationsOf(
      this.db.pool,
      rows.map((r) => r.id),
    );
    return toPage(rows, q, (m) => toModelView(m, registered.get(m.id)));
  }

  /** Deletes a model and its weights; its job stays (without a model). A 409 while a registry version needs it. */
  async delete(tenant: string, id: string): Promise<void> {
    requireTenant(tenant);
    const model = await this.db.model.findFirst({ where: { id, tenant }, select: { jobId: true } });
    const { count } = await deleteUnlessRegistered(this.db.pool, { modelId: id }, () => this.db.model.deleteMany({ where: { id, tenant } }));
    if (!model || count === 0) throw new AppError("not_found", `model ${id} not found`);
    this.forget(id);
    this.changed(`model:${id}`);
    this.changed(model.jobId);
  }

  /** Drops a loaded model (deleted, or its job deleted). */
  forget(id: string): void {
    for (const format of ["keras", "onnx"]) this.exports.delete(`${id}:${format}`);
    this.preprocessings.delete(id);
    this.loaded.delete(id); // disposes it
  }

  /** model.json with the preprocessing in userDefinedMetadata, as tf.loadLayersModel reads it. */
  async modelJson(tenant: string, id: string): Promise<Record<string, unknown>> {
    requireTenant(tenant);
    const m = await this.find(tenant, id);
    if (!formatsOfRow(m).includes("tfjs")) throw notTfjs(m, "model.json");
    return modelJson(artifactsOf(m, Buffer.alloc(0)), aboutModel(m));
  }

  /** The weights' bytes, read with pg directly (Prisma's bytea path is slow: see src/db.ts). */
  async weights(tenant: string, id: string): Promise<Buffer> {
    requireTenant(tenant);
    const m = await this.find(tenant, id);
    if (!formatsOfRow(m).includes("tfjs")) throw notTfjs(m, "weights.bin");
    return this.weightsOf(m);
  }

  /** The network in another format (a Keras 3 archive, ONNX), built from the stored TF.js artifacts. */
  async exportFile(tenant: string, id: string, format: ExportFormat): Promise<Buffer> {
    requireTenant(tenant);
    const m = await this.find(tenant, id); // the tenant's, before anything cached is served
    const key = `${id}:${format}`;
    const cached = this.exports.get(key);
    if (cached) return cached;
    // Concurrent first downloads of one file share its build instead of each building it.
    let building = this.building.get(key);
    if (!building) {
      building = this.buildExport(m, format)
        .then((file) => {
          this.exports.set(key, file);
          return file;
        })
        .finally(() => this.building.delete(key));
      this.building.set(key, building);
    }
    return building;
  }

  /** Built in a worker thread (export-thread.ts): never on the API's event loop. */
  private async buildExport(m: ModelRow, format: ExportFormat): Promise<Buffer> {
    if (m.type === ENSEMBLE_TYPE) {
      if (format !== "onnx") throw noFile(m, FILES[format]);
      return ensembleOnnx(this.db, this.config, m, JSON.parse((await this.weightsOf(m)).toString("utf8")) as EnsembleFile, formatsOfRow);
    }
    // A format the model's kind is never written in is a 404; one of its kind's that this model
    // cannot be written in says why with a 409 (ExportError).
    if (
      !servingOf(m.type)
        .offers(m.topology as object)
        .includes(format)
    )
      throw noFile(m, FILES[format]);
    const { weightData: _, ...artifacts } = artifactsOf(m, Buffer.alloc(0));
    const outcome = await buildInThread(async () => {
      const pieces = await new WeightStore(this.db.pool).readPieces(m.id);
      if (!pieces) throw new AppError("not_found", `model ${m.id} not found`); // deleted since it was found
      return {
        format,
        type: m.type,
        artifacts,
        pieces,
        preprocessing: m.preprocessing,
        meta: { modelId: m.id, jobId: m.jobId, target: m.target },
        config: this.config,
      };
    });
    if ("refused" in outcome) throw new AppError("conflict", `model ${m.id} cannot be exported as ${format}: ${outcome.refused}`);
    return Buffer.from(outcome.file.buffer, outcome.file.byteOffset, outcome.file.byteLength);
  }

  /** A classic baseline (SVM, kNN, trees, naive Bayes) as JSON, with the preprocessing that feeds it. */
  async baselineJson(tenant: string, id: string): Promise<Record<string, unknown>> {
    requireTenant(tenant);
    const m = await this.find(tenant, id);
    if (!formatsOfRow(m).includes("baseline")) throw noFile(m, "baseline.json");
    return { ...JSON.parse((await this.weightsOf(m)).toString("utf8")), ...aboutModel(m) };
  }

  /** An AutoML ensemble's file: its members (each a candidate's fold models) and their weights. */
  async ensembleJson(tenant: string, id: string): Promise<EnsembleFile & { modelId: string; target: string; labels: string[] }> {
    requireTenant(tenant);
    const m = await this.find(tenant, id);
    if (m.type !== ENSEMBLE_TYPE) throw noFile(m, "ensemble.json");
    return { ...(JSON.parse((await this.weightsOf(m)).toString("utf8")) as EnsembleFile), modelId: m.id, target: m.target, labels: m.labels as string[] };
  }

  /** Applies the stored preprocessing to raw rows and runs the model; `explain` adds each row's contributions per column. */
  async predict(tenant: string, id: string, rows: Array<Record<string, unknown>>, explain = false): Promise<Prediction[]> {
    requireTenant(tenant);
    const m = await this.find(tenant, id);
    if (m.type === ENSEMBLE_TYPE) {
      const file = JSON.parse((await this.weightsOf(m)).toString("utf8")) as EnsembleFile;
      return predictEnsemble(this.config, m, file, rows, explain, (id) => this.predict(tenant, id, rows));
    }
    // Predictions run on the API's event loop: bounded before any work by rows x parameters (a
    // network's multiply-adds per row; a kNN's stored values, an SVM's support-vector values; a
    // booster's nodes, or TreeSHAP's leaves x depth^2 per tree when explaining).
    const params = Math.max(1, ModelSummarySchema.parse(m.summary).totalParams);
    const perRow = explain ? Math.max(params, Number((m.metrics as { baseline?: { explainOpsPerRow?: number } }).baseline?.explainOpsPerRow ?? 0)) : params;
    if (rows.length * perRow > this.config.MAX_PREDICT_OPS) {
      const most = Math.max(1, Math.floor(this.config.MAX_PREDICT_OPS / perRow));
      throw new AppError(
        "payload_too_large",
        `rows x ${explain ? "explain operations" : "parameters"} is ${rows.length} x ${perRow}, over MAX_PREDICT_OPS (${this.config.MAX_PREDICT_OPS}): send at most ${most} rows per request to this model`,
        [{ path: "rows", message: `at most ${most} rows for this model` }],
      );
    }
    const prep = this.preprocessingOf(m);
    const width = prep.inputs.length;
    const x = new Float32Array(rows.length * width);
    rows.forEach((row, i) => {
      try {
        encodeRow(prep.features, (name) => ownField(row, name), x, i * width);
      } catch (err) {
        if (!(err instanceof SpecError)) throw err;
        throw new AppError(
          "validation_failed",
          `rows[${i}]: ${err.detail}`,
          err.errors.map((e) => ({ path: `rows[${i}].${e.path}`, message: e.message })),
        );
      }
    });
    const model = await this.predictor(m);
    if (explain && !model.explain)
      throw new AppError("bad_request", `a ${m.type} model does not explain its predictions (explain is for ${explainingFamilies().join(", ")} models)`, [
        { path: "explain", message: `not available for a ${m.type}` },
      ]);
    const { values, width: k } = await model.scores(x, rows.length);
    const folded = explain ? foldToColumns(model.explain!(x, rows.length), inputColumns(prep)) : undefined;
    if (prep.target.task === "regression")
      return rows.map((_, i) => ({ value: values[i]!, ...(folded ? { explanation: explained(folded, i, 0, "value") } : {}) }));
    const labels = prep.target.labels;
    return rows.map((_, i) => {
      const best = argmax(values, i * k, k);
      // A binary booster has one output, the second label's log-odds; a multiclass one a margin per class.
      const group = folded && folded.groups > 1 ? best : 0;
      const of = folded && folded.groups > 1 ? labels[best]! : labels[1]!;
      return {
        label: labels[best]!,
        probabilities: Object.fromEntries(labels.map((l, c) => [l, values[i * k + c]!])),
        ...(folded ? { explanation: { of, ...explained(folded, i, group, folded.groups > 1 ? "margin" : "log-odds") } } : {}),
      };
    });
  }

  /** A found model's stored bytes (TF.js weights, or a baseline's JSON). */
  private async weightsOf(m: ModelRow): Promise<Buffer> {
    const bytes = await new WeightStore(this.db.pool).read(m.id);
    if (!bytes) throw new AppError("not_found", `model ${m.id} not found`); // deleted since it was found
    return bytes;
  }

  private async load(m: ModelRow): Promise<Predictor> {
    const bytes = await this.weightsOf(m);
    return servingOf(m.type).load(artifactsOf(m, bytes), this.preprocessingOf(m), this.config.TFJS_BACKEND);
  }

  private preprocessingOf(m: ModelRow): StoredPreprocessing {
    let prep = this.preprocessings.get(m.id);
    if (!prep) this.preprocessings.set(m.id, (prep = readStoredPreprocessing(m.preprocessing)));
    return prep;
  }

  private predictor(m: ModelRow): Promise<Predictor> {
    let entry = this.loaded.get(m.id);
    if (!entry) {
      entry = this.load(m);
      entry.catch(() => this.loaded.delete(m.id));
      this.loaded.set(m.id, entry);
    }
    return entry;
  }
}
