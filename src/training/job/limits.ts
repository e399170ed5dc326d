import type { FieldError } from "../../errors.js";
import type { ColumnProfile } from "../../tables/profile.js";
import type { ResolvedColumns } from "../data/columns.js";
import { columnSettings, type InputGroup } from "../data/encoding.js";
import type { JobRequest } from "./job-request.js";
import { familyOf } from "../families/index.js";
import type { DimLimits, SpecCount } from "../spec/param-count.js";
import type { ModelSpec } from "../families/index.js";
import type { NetworkContext } from "../spec/network-context.js";

/** Configured ceilings on what one job may ask for (from the configuration: config.ts specLimits). */
export interface SpecLimits {
  maxEpochs: number;
  maxLayers: number;
  maxUnits: number;
  maxParams: number;
  maxInputWidth: number;
  /** MAX_JOB_SECONDS: the most `training.maxSeconds` may ask. */
  maxJobSeconds: number;
  /** MAX_CATEGORIES: the most categories a column may keep. */
  maxCategories: number;
}

/** The parts of a request the limits read (a dry run without a dataset has no preprocessing). */
export type LimitedRequest = Pick<JobRequest, "model" | "training"> & { preprocessing?: JobRequest["preprocessing"] };

/**
 * The input groups a job will have, their widths estimated from the profile (a categorical
 * column: its distinct values up to maxCategories, plus the unknown bucket), before any row is read.
 */
export function estimateInputGroups(resolved: ResolvedColumns, columns: ColumnProfile[], req: Pick<JobRequest, "preprocessing">): InputGroup[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const kinds = new Map(resolved.features.map((f) => [f.name, f]));
  let start = 0;
  return resolved.groups.map((g) => {
    let vocabulary: number | undefined;
    const width = g.columns.reduce((w, name) => {
      const f = kinds.get(name)!;
      if (f.type !== "categorical") return w + 1;
      const s = columnSettings(name, "categorical", req.preprocessing);
      const kept = Math.min(byName.get(name)?.distinct ?? 1, s.maxCategories);
      if (f.asIndex) {
        vocabulary = kept + 1;
        return w + 1;
      }
      return w + kept + (s.unknownBucket ? 1 : 0);
    }, 0);
    const group: InputGroup = { ...g, start, width, ...(vocabulary ? { vocabulary } : {}) };
    start += width;
    return group;
  });
}

/** Each layer of the spec with the path users wrote it at, and its units if it has any. */
function layersOf(req: LimitedRequest): Array<{ path: string; units?: number }> {
  return familyOf(req.model).layers(req.model);
}

/**
 * Every limit a request breaks, each at the path of the field concerned: the one check job
 * creation, the dry run and the worker (against the configuration in force when it runs) make.
 * Structure, wall time and categories first; then the parameters and every dimension, counted
 * from the spec alone over the input groups (nothing is built).
 */
export function checkRequestLimits(req: LimitedRequest, limits: SpecLimits, groups: InputGroup[], ctx: NetworkContext): FieldError[] {
  const errors = [...checkLimits(req, limits), ...checkJobLimits(req, limits)];
  if (errors.length) return errors;
  const count = countSpecParams(req.model, groups, ctx, limits);
  if (count.errors.length) return count.errors;
  return checkLimits(req, limits, count.params);
}

/** Wall time and categories kept per column. */
function checkJobLimits(req: LimitedRequest, limits: SpecLimits): FieldError[] {
  const errors: FieldError[] = [];
  if ((req.training.maxSeconds ?? 0) > limits.maxJobSeconds) {
    errors.push({ path: "training.maxSeconds", message: `at most ${limits.maxJobSeconds} s (MAX_JOB_SECONDS)` });
  }
  const pre = req.preprocessing;
  if (pre && pre.categorical.maxCategories > limits.maxCategories) {
    errors.push({ path: "preprocessing.categorical.maxCategories", message: `at most ${limits.maxCategories} (MAX_CATEGORIES)` });
  }
  for (const [name, c] of Object.entries(pre?.columns ?? {})) {
    if ((c.maxCategories ?? 0) > limits.maxCategories)
      errors.push({ path: `preprocessing.columns.${name}.maxCategories`, message: `at most ${limits.maxCategories} (MAX_CATEGORIES)` });
  }
  return errors;
}

/** Structure (epochs, layers, units) and, given `params`, MAX_PARAMS. */
export function checkLimits(req: LimitedRequest, limits: SpecLimits, params?: number): FieldError[] {
  const errors: FieldError[] = [];
  if (req.training.epochs > limits.maxEpochs) {
    errors.push({ path: "training.epochs", message: `at most ${limits.maxEpochs} epochs (MAX_EPOCHS)` });
  }
  const layers = layersOf(req);
  if (layers.length > limits.maxLayers) {
    errors.push({ path: familyOf(req.model).layersPath, message: `at most ${limits.maxLayers} layers (MAX_LAYERS)` });
  }
  for (const l of layers) {
    if (l.units !== undefined && l.units > limits.maxUnits)
      errors.push({ path: l.path.endsWith("hiddenUnits") ? l.path : `${l.path}.units`, message: `at most ${limits.maxUnits} units (MAX_UNITS)` });
  }
  if (errors.length === 0 && params !== undefined && params > limits.maxParams) {
    errors.push({ path: "model", message: `${params} parameters, more than ${limits.maxParams} (MAX_PARAMS)` });
  }
  return errors;
}

function checkInputs(groups: InputGroup[], dims: DimLimits, errors: FieldError[]): void {
  for (const g of groups) {
    if (g.width > dims.maxInputWidth) {
      errors.push({
        path: g.columns.length ? "features" : "inputWidth",
        message: `input "${g.name}" is ${g.width} wide once encoded, more than ${dims.maxInputWidth} (MAX_INPUT_WIDTH): use fewer columns or cap categories`,
      });
    }
  }
}

/**
 * Counts a spec's parameters over the given input groups and checks every dimension against
 * the limits, with no tfjs involved (each family counts its own kind: families/).
 */
export function countSpecParams(spec: ModelSpec, groups: InputGroup[], ctx: NetworkContext, dims: DimLimits): SpecCount {
  const errors: FieldError[] = [];
  checkInputs(groups, dims, errors);
  const params = familyOf(spec).countParams(spec, groups, ctx, dims, errors);
  return { params, errors };
}
