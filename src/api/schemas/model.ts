import { z } from "zod";

export const ModelSchema = z.object({
  id: z.string().uuid(),
  jobId: z.string().uuid(),
  type: z.string(),
  summary: z.object({
    layers: z.array(z.object({ name: z.string(), type: z.string(), outputShape: z.unknown(), params: z.number().int() })),
    totalParams: z.number().int(),
    trainableParams: z.number().int(),
  }),
  metrics: z.record(z.string(), z.unknown()),
  target: z.string(),
  features: z.array(z.string()),
  labels: z.array(z.string()),
  preprocessing: z.record(z.string(), z.unknown()).describe("Feature encodings, input order, labels"),
  createdAt: z.string(),
});

export const PredictRequestSchema = z.strictObject({
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))).min(1).max(1000)
    .describe("Raw column values, as in the CSV; missing columns are imputed"),
});

export const PredictionSchema = z.union([
  z.object({ label: z.string(), probabilities: z.record(z.string(), z.number()) }),
  z.object({ value: z.number() }),
]);

export const PredictResponseSchema = z.object({ predictions: z.array(PredictionSchema) });
