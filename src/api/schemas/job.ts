import { z } from "zod";
import { JOB_STATUSES } from "../../jobs/job-view.js";

export const JobSchema = z.object({
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
  metrics: z.record(z.string(), z.unknown()).nullable().describe("test and validation metrics"),
  modelId: z.string().uuid().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  warnings: z.array(z.string()),
  attempts: z.number().int(),
  cancelRequested: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export const JobListSchema = z.object({ items: z.array(JobSchema), nextCursor: z.string().nullable() });
