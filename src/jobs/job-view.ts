import type { Job, JobEpoch } from "../generated/prisma/client.js";
import { readStoredRequest, type JobRequest } from "../training/index.js";

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINAL_STATUSES: ReadonlySet<string> = new Set(["succeeded", "failed", "cancelled"]);

export interface JobView {
  id: string;
  status: JobStatus;
  datasetId: string | null;
  target: string;
  features: string[] | null;
  ignore: string[];
  task: string | null;
  split: JobRequest["split"];
  model: JobRequest["model"];
  training: JobRequest["training"];
  backend: string | null;
  progress: { epoch: number; epochs: number };
  history: Record<string, number[]>;
  metrics: Record<string, unknown> | null;
  modelId: string | null;
  error: { code: string; message: string } | null;
  warnings: string[];
  attempts: number;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

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

export function toJobView(job: Job & { history?: JobEpoch[]; model?: { id: string } | null }): JobView {
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
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? "" } : null,
    warnings: job.warnings as string[],
    attempts: job.attempts,
    cancelRequested: job.cancelRequested,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
