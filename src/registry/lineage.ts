import type { Db } from "../db.js";
import { ENSEMBLE_TYPE, type EnsembleFile } from "../ensemble-file.js";
import { AppError } from "../errors.js";
import { downloadsOf } from "../model-files.js";
import { WeightStore } from "../weight-store.js";
import { LOWER_IS_BETTER, type Lineage } from "./registry-schema.js";

/** What registering a model needs to know of it: its lineage, its files, and the models it needs. */
export interface Registrable {
  modelId: string;
  jobId: string;
  lineage: Lineage;
  /** File names under a version's URL: the model's downloads, weights.bin beside model.json. */
  files: string[];
  /** The models serving it needs: itself and, for an ensemble, every member's fold models. */
  pins: string[];
}

/** A tenant's model, read for registration: 404 when it is not this tenant's. */
export async function registrable(db: Db, tenant: string, modelId: string): Promise<Registrable> {
  const m = await db.model.findFirst({
    where: { id: modelId, tenant },
    select: {
      id: true,
      type: true,
      topology: true,
      metrics: true,
      target: true,
      features: true,
      createdAt: true,
      job: { select: { id: true, spec: true, experimentId: true, dataset: { select: { id: true, name: true, sha256: true, rows: true } } } },
    },
  });
  if (!m) throw new AppError("not_found", `model ${modelId} not found`, [{ path: "modelId", message: "no such model of this tenant" }]);
  const pins = [m.id, ...(m.type === ENSEMBLE_TYPE ? await ensembleMembers(db, tenant, m.id) : [])];
  const files = downloadsOf(m.type, m.topology as object).flatMap(({ file }) => (file === "model.json" ? [file, "weights.bin"] : [file]));
  const { webhookUrl: _, ...spec } = m.job.spec as Record<string, unknown>;
  const d = m.job.dataset;
  return {
    modelId: m.id,
    jobId: m.job.id,
    files,
    pins,
    lineage: {
      jobId: m.job.id,
      experimentId: m.job.experimentId,
      type: m.type,
      target: m.target,
      features: m.features as string[],
      spec,
      dataset: { id: d?.id ?? null, name: d?.name ?? null, sha256: d?.sha256 ?? null, rows: d?.rows ?? null },
      metrics: summaryMetrics(m.metrics as Record<string, unknown>),
      trainedAt: m.createdAt.toISOString(),
    },
  };
}

/** A model's metrics without their per-epoch curves (the job keeps those): what a version compares by. */
function summaryMetrics(metrics: Record<string, unknown>): Record<string, unknown> {
  const cv = metrics.crossValidation as { perFold?: Array<Record<string, unknown>>; meanHistory?: unknown } | null | undefined;
  if (!cv) return metrics;
  const { meanHistory: _, perFold, ...rest } = cv;
  return { ...metrics, crossValidation: { ...rest, perFold: perFold?.map(({ history: _h, ...fold }) => fold) } };
}

/** An ensemble's member models, each still there (a member deleted since cannot serve: 409). */
async function ensembleMembers(db: Db, tenant: string, modelId: string): Promise<string[]> {
  const bytes = await new WeightStore(db.pool).read(modelId);
  if (!bytes) throw new AppError("not_found", `model ${modelId} not found`);
  const ids = [...new Set((JSON.parse(bytes.toString("utf8")) as EnsembleFile).members.flatMap((m) => m.modelIds))];
  const found = new Set((await db.model.findMany({ where: { id: { in: ids }, tenant }, select: { id: true } })).map((r) => r.id));
  const gone = ids.filter((id) => !found.has(id));
  if (gone.length > 0)
    throw new AppError(
      "conflict",
      `ensemble ${modelId} cannot serve: its member model ${gone[0]} was deleted${gone.length > 1 ? ` (and ${gone.length - 1} more)` : ""}`,
      [{ path: "modelId", message: "an ensemble with deleted members" }],
    );
  return ids;
}

/** A version's held-out score: test, else validation, else the cross-validation mean (log loss is the classifier's loss). */
export function heldOutScore(lineage: Lineage, metric: string): { value: number; part: string } | undefined {
  const key = metric === "logLoss" ? "loss" : metric;
  const m = lineage.metrics as {
    test?: Record<string, unknown> | null;
    validation?: Record<string, unknown> | null;
    crossValidation?: { mean?: Record<string, unknown> } | null;
  };
  for (const [part, values] of [
    ["test", m.test],
    ["validation", m.validation],
    ["cross-validation", m.crossValidation?.mean],
  ] as const) {
    const v = values?.[key] ?? (key === "loss" ? values?.logLoss : undefined);
    if (typeof v === "number" && Number.isFinite(v) && (values as { n?: number }).n !== 0) return { value: v, part };
  }
  return undefined;
}

/** Whether `a` is at least as good as `b` on this metric. */
export const atLeast = (metric: string, a: number, b: number) => (LOWER_IS_BETTER.has(metric) ? a <= b : a >= b);
