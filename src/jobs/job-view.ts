import { RegistrationSchema, type Registration } from "../registry/registry-schema.js";
import type { Job, JobEpoch } from "../../generated/prisma/client.js";
import { z } from "zod";
import { readStoredRequest } from "../training/index.js";

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINAL_STATUSES: ReadonlySet<string> = new Set(["succeeded", "failed", "cancelled"]);

/** A job as clients see it: the response schema (OpenAPI) and the service's type, one definition. */
export const JobViewSchema = z.object({
  id: z.string().uuid(),
  status: z.enum(JOB_STATUSES),
  datasetId: z.string().uuid().nullable(),
  target: z.string(),
  features: z.array(z.string()).nullable(),
  ignore: z.array(z.string()),
  task: z.string().nullable(),
  split: z.record(z.string(), z.unknown()),
  model: z.record(z.string(), z.unknown()).describe("The ModelSpec, with defaults filled in"),
  training: z.record(z.string(), z.unknown()).describe("Training options, with defaults filled in"),
  backend: z.string().nullable().describe("Compute that ran it: wasm, tensorflow, tensorflow-gpu, cpu"),
  progress: z.object({ epoch: z.number().int(), epochs: z.number().int() }),
  history: z.record(z.string(), z.array(z.number())).describe("Keras-style: loss, val_loss, acc, val_acc per epoch"),
  metrics: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe("test and validation metrics; `engine`: mlp-native when the MLP fast path ran the training steps, else tfjs"),
  modelId: z.string().uuid().nullable(),
  registered: z.array(RegistrationSchema).describe("Where its model is registered (GET /v1/registry/:name): name, version, aliases"),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  warnings: z.array(z.string()),
  attempts: z.number().int(),
  cancelRequested: z.boolean(),
  webhook: z
    .object({
      url: z.string(),
      deliveries: z.array(
        z.object({
          attempt: z.number().int(),
          at: z.string(),
          event: z.string(),
          status: z.number().int().optional(),
          error: z.string().optional(),
          delivered: z.boolean(),
        }),
      ),
    })
    .nullable()
    .describe("The webhookUrl called when the job ends, and each delivery attempt"),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export type JobView = z.infer<typeof JobViewSchema>;

/**
 * Keras-style history ({loss: [...], val_loss: [...]}) from the per-epoch rows. A cross-validated
 * job logs each fold (`fold` in its logs) and then the refit: the history shown is that of the
 * latest phase, so it grows epoch by epoch; the folds' curves are in metrics.crossValidation.
 */
export function toHistory(epochs: JobEpoch[]): Record<string, number[]> {
  const sorted = [...epochs].sort((a, b) => a.epoch - b.epoch);
  const phase = (e: JobEpoch) => (e.logs as Record<string, number>).fold;
  const current = sorted.length ? phase(sorted[sorted.length - 1]!) : undefined;
  let start = sorted.length;
  while (start > 0 && phase(sorted[start - 1]!) === current) start--;
  const history: Record<string, number[]> = {};
  for (const e of sorted.slice(start)) {
    for (const [key, value] of Object.entries(e.logs as Record<string, number>)) if (key !== "fold") (history[key] ??= []).push(value);
  }
  return history;
}

export function toJobView(job: Job & { history?: JobEpoch[]; model?: { id: string; registered?: Registration[] } | null }): JobView {
  const spec = readStoredRequest(job.spec);
  return {
    id: job.id,
    status: job.status as JobStatus,
    datasetId: job.datasetId,
    target: spec.target,
    features: spec.features ?? null,
    ignore: spec.ignore,
    task: spec.task ?? null,
    split: spec.split,
    model: spec.model,
    training: spec.training,
    backend: job.backend,
    progress: { epoch: job.epoch, epochs: job.epochs },
    history: toHistory(job.history ?? []),
    metrics: (job.metrics as Record<string, unknown> | null) ?? null,
    modelId: job.model?.id ?? null,
    registered: job.model?.registered ?? [],
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? "" } : null,
    warnings: job.warnings as string[],
    attempts: job.attempts,
    cancelRequested: job.cancelRequested,
    webhook: job.webhookUrl ? { url: job.webhookUrl, deliveries: job.webhookDeliveries as NonNullable<JobView["webhook"]>["deliveries"] } : null,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
