import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { AppError, type FieldError } from "../errors.js";
import type { Dataset } from "../generated/prisma/client.js";
import type { ColumnProfile } from "../tables/profile.js";
import { DatasetService } from "../datasets/dataset-service.js";
import {
  checkLimits, countSpecParams, estimateInputGroups, findLeaks, resolveColumns, runtime,
  SpecError, type InputGroup, type JobRequest, type NetworkDescription, type ResolvedColumns, type SpecLimits,
} from "../training/index.js";

/** Rows, and cells, read at job creation (on the API) to look for leaking columns. */
const LEAK_SAMPLE_ROWS = 50_000;
const LEAK_SAMPLE_CELLS = 1_000_000;

/** One builder of validation_failed, training's own (the API maps it to a 400 with the paths). */
export const invalid = (errors: FieldError[]) => SpecError.of(errors);

/** Limits of a job beyond its network: wall time and categories kept per column. */
function checkJobLimits(req: JobRequest, config: Config): FieldError[] {
  const errors: FieldError[] = [];
  if ((req.training.maxSeconds ?? 0) > config.MAX_JOB_SECONDS) {
    errors.push({ path: "training.maxSeconds", message: `at most ${config.MAX_JOB_SECONDS} s (MAX_JOB_SECONDS)` });
  }
  if (req.preprocessing.categorical.maxCategories > config.MAX_CATEGORIES) {
    errors.push({ path: "preprocessing.categorical.maxCategories", message: `at most ${config.MAX_CATEGORIES} (MAX_CATEGORIES)` });
  }
  for (const [name, c] of Object.entries(req.preprocessing.columns)) {
    if ((c.maxCategories ?? 0) > config.MAX_CATEGORIES) errors.push({ path: `preprocessing.columns.${name}.maxCategories`, message: `at most ${config.MAX_CATEGORIES} (MAX_CATEGORIES)` });
  }
  return errors;
}

export function limitsOf(c: Config): SpecLimits {
  return { maxEpochs: c.MAX_EPOCHS, maxLayers: c.MAX_LAYERS, maxUnits: c.MAX_UNITS, maxParams: c.MAX_PARAMS, maxInputWidth: c.MAX_INPUT_WIDTH };
}

/**
 * Builds a network once for its summary (tfjs loads on first use, not at API start), after its
 * parameters were counted from the spec and found within the limits: nothing is allocated for a
 * spec that is too big.
 */
export async function describe(config: Config, ...args: Parameters<Awaited<ReturnType<typeof runtime>>["describeNetwork"]>): Promise<NetworkDescription> {
  const [spec, groups, ctx] = args;
  const limits = limitsOf(config);
  const count = countSpecParams(spec, groups, ctx, limits);
  if (count.errors.length) throw invalid(count.errors);
  if (count.params > limits.maxParams) throw invalid([{ path: "model", message: `${count.params} parameters, more than ${limits.maxParams} (MAX_PARAMS)` }]);
  const { describeNetwork, initBackend } = await runtime();
  await initBackend(config.TFJS_BACKEND);
  return describeNetwork(...args);
}

export interface JobPlan {
  dataset: Dataset;
  resolved: ResolvedColumns;
  groups: InputGroup[];
  network: NetworkDescription;
  warnings: string[];
}

/**
 * Everything a job request is checked for before it is queued, shared by job creation and the
 * dry run: the dataset (this tenant's), columns and task, limits, the network built once
 * (shapes, layer support, exact parameter count) and warnings (dropped columns, leaks).
 */
export async function planJob(db: Db, config: Config, tenant: string, req: JobRequest): Promise<JobPlan> {
  const dataset = await db.dataset.findFirst({ where: { id: req.datasetId, tenant, status: "ready" } });
  if (!dataset) throw new AppError("not_found", `dataset ${req.datasetId} not found`, [{ path: "datasetId", message: "no such dataset" }]);
  const columns = dataset.columns as unknown as ColumnProfile[];
  const resolved = resolveColumns(req, columns);
  const structural = [...checkLimits(req, limitsOf(config)), ...checkJobLimits(req, config)];
  if (structural.length) throw invalid(structural);
  const target = columns.find((c) => c.name === req.target)!;
  const groups = estimateInputGroups(resolved, columns, req);
  const network = await describe(config, req.model, groups, {
    task: resolved.task, classes: resolved.task === "classification" ? target.distinct : 0, loss: req.training.loss, seed: req.training.seed,
  });
  const tooBig = checkLimits(req, limitsOf(config), network.summary.totalParams);
  if (tooBig.length) throw invalid(tooBig);
  const only = new Set([req.target, ...resolved.features.map((f) => f.name)]);
  const maxRows = Math.max(100, Math.min(LEAK_SAMPLE_ROWS, Math.floor(LEAK_SAMPLE_CELLS / only.size)));
  const sample = await new DatasetService(db, config).readTable(dataset, { only, maxRows });
  const warnings = [...resolved.warnings, ...network.warnings, ...findLeaks(sample, req.target, resolved)];
  return { dataset, resolved, groups, network, warnings };
}
