import { AppError, type FieldError } from "../errors.js";
import type { ColumnProfile, ColumnType } from "../datasets/profile.js";
import { checkSettings, columnSettings, type FeatureKind } from "./preprocess.js";
import type { JobRequest } from "./spec/job-request.js";
import { LOSSES } from "./spec/training-options.js";

export type Task = "classification" | "regression";

export interface ResolvedColumns {
  task: Task;
  features: Array<{ name: string; type: FeatureKind }>;
  /** The target's type after overrides. */
  targetType: ColumnType;
  warnings: string[];
}

/** Numeric targets with at most this many distinct values are read as class labels. */
const MAX_NUMERIC_CLASSES = 10;
const MAX_CLASSES = 1000;

type ColumnsRequest = Pick<JobRequest, "target" | "features" | "ignore" | "task" | "columns" | "preprocessing"> & { training?: Pick<JobRequest["training"], "loss"> };

/** Applies `columns` type overrides where the data allows them. */
function effectiveTypes(req: ColumnsRequest, columns: ColumnProfile[], errors: FieldError[]): Map<string, ColumnProfile> {
  const byName = new Map(columns.map((c) => [c.name, { ...c }]));
  for (const [name, type] of Object.entries(req.columns)) {
    const col = byName.get(name);
    const path = `columns.${name}`;
    if (!col) errors.push({ path, message: `unknown column "${name}"` });
    else if (type === "numeric" && col.type !== "numeric") {
      errors.push({ path, message: `"${name}" has values that are not numbers (e.g. "${col.top?.[0]?.value ?? ""}")` });
    } else if (type === "boolean" && col.type !== "boolean" && !(col.type === "numeric" && col.distinct <= 2 && col.min! >= 0 && col.max! <= 1)) {
      errors.push({ path, message: `"${name}" is not boolean: its values are not true/false, yes/no or 0/1` });
    } else col.type = type;
  }
  return byName;
}

/**
 * Checks the request's columns against the dataset's profile and decides the task and the
 * feature list. Every problem is reported at once, each with the request path it concerns.
 */
export function resolveColumns(req: ColumnsRequest, columns: ColumnProfile[]): ResolvedColumns {
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  const byName = effectiveTypes(req, columns, errors);
  const known = columns.map((c) => c.name).join(", ");
  const target = byName.get(req.target);
  if (!target) errors.push({ path: "target", message: `unknown column "${req.target}"; the dataset has: ${known}` });
  req.ignore.forEach((name, i) => {
    if (!byName.has(name)) errors.push({ path: `ignore[${i}]`, message: `unknown column "${name}"` });
  });
  req.features?.forEach((name, i) => {
    if (!byName.has(name)) errors.push({ path: `features[${i}]`, message: `unknown column "${name}"` });
    else if (name === req.target) errors.push({ path: `features[${i}]`, message: "the target cannot also be a feature" });
  });
  for (const name of Object.keys(req.preprocessing.columns)) {
    if (!byName.has(name)) errors.push({ path: `preprocessing.columns.${name}`, message: `unknown column "${name}"` });
  }

  let task: Task = req.task ?? "classification";
  if (target) {
    const present = target.distinct;
    if (present === 0) errors.push({ path: "target", message: `column "${target.name}" is missing in every row` });
    if (!req.task) task = target.type === "numeric" && present > MAX_NUMERIC_CLASSES ? "regression" : "classification";
    if (task === "regression" && target.type !== "numeric") {
      errors.push({ path: "task", message: `regression needs a numeric target; "${target.name}" is ${target.type}` });
    }
    if (task === "classification" && present === 1) {
      errors.push({ path: "target", message: `column "${target.name}" has a single class ("${target.top?.[0]?.value ?? ""}"): nothing to classify` });
    }
    if (task === "classification" && (present > MAX_CLASSES || target.distinctCapped)) {
      errors.push({ path: "target", message: `column "${target.name}" has ${present} classes, more than ${MAX_CLASSES}; use task "regression"?` });
    }
    if (target.missing > 0 && present > 0) warnings.push(`${target.missing} rows with a missing target are left out`);
  }

  const loss = req.training?.loss;
  if (loss && target && !(LOSSES[task] as readonly string[]).includes(loss)) {
    errors.push({ path: "training.loss", message: `${loss} is not a ${task} loss; use one of ${LOSSES[task].join(", ")}` });
  }

  const ignored = new Set(req.ignore);
  let names: string[];
  if (req.features) names = req.features;
  else {
    names = columns.map((c) => c.name).filter((n) => n !== req.target && !ignored.has(n));
    const text = names.filter((n) => byName.get(n)?.type === "text");
    if (text.length) warnings.push(`free-text columns left out: ${text.join(", ")} (name them in "features" to use them as categories)`);
    names = names.filter((n) => byName.get(n)?.type !== "text");
  }
  const ids = names.filter((n) => byName.get(n)?.identifier);
  if (ids.length) warnings.push(`${ids.join(", ")}: a different value in every row; if it is an identifier, add it to "ignore"`);
  if (errors.length === 0 && names.length === 0) errors.push({ path: "features", message: "no feature columns are left to learn from" });

  const features = names.filter((n) => byName.has(n)).map((name) => {
    const type = byName.get(name)!.type;
    return { name, type: type === "text" ? ("categorical" as const) : type };
  });
  for (const f of features) errors.push(...checkSettings(f.name, f.type, columnSettings(f.name, f.type, req.preprocessing)));
  if (errors.length) throw new AppError("validation_failed", errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  return { task, features, targetType: target!.type, warnings };
}
