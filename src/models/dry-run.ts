import { z } from "zod";
import { specLimits, type Config } from "../config.js";
import type { Db } from "../db.js";
import type { FieldError } from "../errors.js";
import { invalid, planJob, trainingBytesWithin } from "../jobs/job-plan.js";
import {
  checkRequestLimits,
  describeNetwork,
  familyOf,
  JobRequestSchema,
  ModelSpecSchema,
  ModelSummarySchema,
  type InputGroup,
  type ModelSpec,
} from "../training/index.js";

/** A dry run: a model spec, with the dataset and target it would train on, or with input widths alone. */
export const ValidateRequestSchema = JobRequestSchema.partial().extend({
  model: ModelSpecSchema,
  inputWidth: z.number().int().min(1).optional().describe("Without a dataset: the width of a sequential model's input"),
});
export type ValidateRequest = z.infer<typeof ValidateRequestSchema>;

/** What a dry run answers; the route's response schema and the service's return type. */
export const ValidateResultSchema = z.object({
  summary: ModelSummarySchema,
  outputMode: z.string().describe("sigmoid, softmax or linear"),
  inputs: z.array(z.object({ name: z.string(), width: z.number().int(), columns: z.array(z.string()) })),
  estimatedTrainingBytes: z.number().describe("Rough peak of training memory (weights, gradients, optimizer state, one batch, the data)"),
  warnings: z.array(z.string()),
});
export type ValidateResult = z.infer<typeof ValidateResultSchema>;

/** Input widths when no dataset says them: `inputWidth`, or what the spec itself declares (its family knows). */
function declaredWidths(spec: ModelSpec, inputWidth: number | undefined, errors: FieldError[]): InputGroup[] {
  return familyOf(spec)
    .declaredWidths(spec, inputWidth, errors)
    .map((x) => ({ name: x.name, columns: [], encoding: "onehot" as const, start: 0, width: x.width }));
}

/**
 * POST /v1/models/validate: the Keras-style summary, parameter count, a training-memory
 * estimate and warnings, without queueing anything. Limits apply as at job creation.
 */
export async function validateModel(db: Db, config: Config, tenant: string, body: ValidateRequest): Promise<ValidateResult> {
  const training = JobRequestSchema.shape.training.parse(body.training);
  if (body.datasetId || body.target) {
    const errors: FieldError[] = [];
    if (!body.datasetId) errors.push({ path: "datasetId", message: "a target needs its dataset" });
    if (!body.target) errors.push({ path: "target", message: "a dataset needs the target column to size the output" });
    if (errors.length) throw invalid(errors);
    const { inputWidth: _unused, ...job } = body;
    const req = JobRequestSchema.parse(job);
    const plan = await planJob(db, config, tenant, req);
    return {
      summary: plan.network.summary,
      outputMode: plan.network.outputMode,
      inputs: plan.groups.map((g) => ({ name: g.name, width: g.width, columns: g.columns })),
      estimatedTrainingBytes: plan.estimatedTrainingBytes,
      warnings: plan.warnings,
    };
  }
  const errors: FieldError[] = [];
  const groups = declaredWidths(body.model, body.inputWidth, errors);
  if (errors.length) throw invalid(errors);
  // The same check as job creation's (planJob), over the widths the spec declares.
  const ctx = { task: "regression" as const, classes: 0, seed: training.seed, keepOutput: true };
  const over = checkRequestLimits({ model: body.model, training, preprocessing: body.preprocessing }, specLimits(config), groups, ctx);
  if (over.length) throw invalid(over);
  const network = await describeNetwork(body.model, groups, ctx);
  const estimatedTrainingBytes = trainingBytesWithin(config, network.summary, training, { rows: 0, inputs: 0 });
  return {
    summary: network.summary,
    outputMode: network.outputMode,
    inputs: groups.map((g) => ({ name: g.name, width: g.width, columns: [] })),
    estimatedTrainingBytes,
    warnings: ["no dataset: the output layer is described as written; with datasetId and target it is checked against the target", ...network.warnings],
  };
}
