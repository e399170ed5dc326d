import { specLimits, type Config } from "../config.js";
import type { Db } from "../db.js";
import { AppError, type FieldError } from "../errors.js";
import type { Dataset } from "../../generated/prisma/client.js";
import { readProfiles } from "../tables/profile.js";
import { DatasetService } from "../datasets/dataset-service.js";
import {
  checkRequestLimits,
  describeNetwork,
  estimateInputGroups,
  estimateTrainingBytes,
  familyOf,
  findLeaks,
  resolveColumns,
  SpecError,
  type InputGroup,
  type JobRequest,
  type ModelSummary,
  type NetworkDescription,
  type ResolvedColumns,
  type SpecLimits,
} from "../training/index.js";

/** Steps the progress counts: epochs (per CV fold and the refit), or an ELM's candidate sizes. */
export function plannedSteps(req: JobRequest): number {
  const own = familyOf(req.model).plannedSteps?.(req.model);
  return own ?? req.training.epochs * (req.crossValidation ? req.crossValidation.folds + 1 : 1);
}

/** Rows, and cells, read at job creation (on the API) to look for leaking columns. */
const LEAK_SAMPLE_ROWS = 50_000;
const LEAK_SAMPLE_CELLS = 1_000_000;

/** One builder of validation_failed, training's own (the API maps it to a 400 with the paths). */
export const invalid = (errors: FieldError[]) => SpecError.of(errors);

export interface JobPlan {
  dataset: Dataset;
  resolved: ResolvedColumns;
  groups: InputGroup[];
  network: NetworkDescription;
  /** estimateTrainingBytes of the network on this dataset, within MAX_TRAINING_BYTES. */
  estimatedTrainingBytes: number;
  warnings: string[];
}

const GIB = 1024 ** 3;

/**
 * The training memory estimate of a described network (estimateTrainingBytes), refused before
 * anything is queued when over MAX_TRAINING_BYTES: a 400 with the estimate, the limit and the
 * fields that shrink it. Job creation, experiment planning and the dry run all call this.
 */
export function trainingBytesWithin(config: Config, summary: ModelSummary, training: JobRequest["training"], data: { rows: number; inputs: number }): number {
  const estimated = estimateTrainingBytes(summary, { optimizer: training.optimizer.type, batchSize: training.batchSize, ...data });
  if (estimated <= config.MAX_TRAINING_BYTES) return estimated;
  const gib = (b: number) => `${(b / GIB).toFixed(2)} GiB`;
  throw invalid([
    {
      path: "training.batchSize",
      message: `training would need about ${gib(estimated)} of memory (weights, optimizer state, one batch's activations, the data), more than ${gib(config.MAX_TRAINING_BYTES)} (MAX_TRAINING_BYTES): lower training.batchSize, or the model's units or layers`,
    },
  ]);
}

/**
 * Everything a job request is checked for before it is queued, shared by job creation and the
 * dry run: the dataset (this tenant's), columns and task, limits, the network built once
 * (shapes, layer support, exact parameter count) and warnings (dropped columns, leaks; an
 * experiment looks for leaks once, not per trial: `leaks: false`).
 */
export async function planJob(db: Db, config: Config, tenant: string, req: JobRequest, opts: { leaks?: boolean } = {}): Promise<JobPlan> {
  const missing = familyOf(req.model).unavailable?.();
  if (missing)
    throw new AppError("conflict", `model.type "${req.model.type}" cannot train on this server: ${missing}`, [{ path: "model.type", message: missing }]);
  const dataset = await db.dataset.findFirst({ where: { id: req.datasetId, tenant, status: "ready" } });
  if (!dataset) throw new AppError("not_found", `dataset ${req.datasetId} not found`, [{ path: "datasetId", message: "no such dataset" }]);
  if (familyOf(req.model).keepsRows && dataset.rows > config.MAX_KERNEL_ROWS) {
    throw invalid([
      {
        path: "model.type",
        message: `a ${req.model.type} pairs up (or keeps) every training row: at most ${config.MAX_KERNEL_ROWS} rows (MAX_KERNEL_ROWS), this dataset has ${dataset.rows}: upload a sample, or use a model that does not keep its training rows`,
      },
    ]);
  }
  const columns = readProfiles(dataset.columns);
  const resolved = resolveColumns(req, columns);
  const selecting: FieldError[] = !req.preprocessing.featureSelection
    ? []
    : [
        ...(req.crossValidation
          ? [{ path: "preprocessing.featureSelection", message: "not with crossValidation yet: each fold would need its own selection; use split.validation" }]
          : []),
        ...(resolved.groups.length !== 1 ? [{ path: "preprocessing.featureSelection", message: "needs a model with one input" }] : []),
      ];
  if (req.split.fold && req.crossValidation) selecting.push({ path: "split.fold", message: "a job tests on one fold or cross-validates, not both" });
  if (selecting.length) throw invalid(selecting);
  const target = columns.find((c) => c.name === req.target)!;
  const groups = estimateInputGroups(resolved, columns, req);
  const ctx = { task: resolved.task, classes: resolved.task === "classification" ? target.distinct : 0, loss: req.training.loss, seed: req.training.seed };
  const over = checkRequestLimits(req, specLimits(config), groups, ctx);
  if (over.length) throw invalid(over);
  const network = await describeNetwork(req.model, groups, ctx);
  const estimatedTrainingBytes = trainingBytesWithin(config, network.summary, req.training, {
    rows: dataset.rows,
    inputs: groups.reduce((w, g) => w + g.width, 0),
  });
  if (opts.leaks === false) return { dataset, resolved, groups, network, estimatedTrainingBytes, warnings: [...resolved.warnings, ...network.warnings] };
  const only = new Set([req.target, ...resolved.features.map((f) => f.name)]);
  const maxRows = Math.max(100, Math.min(LEAK_SAMPLE_ROWS, Math.floor(LEAK_SAMPLE_CELLS / only.size)));
  const sample = await new DatasetService(db, config).readTable(dataset, { only, maxRows });
  const warnings = [...resolved.warnings, ...network.warnings, ...findLeaks(sample, req.target, resolved)];
  return { dataset, resolved, groups, network, estimatedTrainingBytes, warnings };
}
