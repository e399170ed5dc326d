import { AppError, type FieldError } from "../errors.js";
import type { ColumnProfile, ColumnType } from "../datasets/profile.js";
import type { JobRequest } from "./spec/job-request.js";

export type Task = "classification" | "regression";

export interface ResolvedColumns {
  task: Task;
  features: Array<{ name: string; type: ColumnType }>;
  warnings: string[];
}

/** Numeric targets with at most this many distinct values are read as class labels. */
const MAX_NUMERIC_CLASSES = 10;
const MAX_CLASSES = 1000;

/**
 * Checks the request's columns against the dataset's profile and decides the task and the
 * feature list. Every problem is reported at once, each with the request path it concerns.
 */
export function resolveColumns(
  req: Pick<JobRequest, "target" | "features" | "ignore" | "task">,
  columns: ColumnProfile[],
): ResolvedColumns {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const errors: FieldError[] = [];
  const warnings: string[] = [];
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
    if (target.missing > 0) warnings.push(`${target.missing} rows with a missing target are left out`);
  }

  const ignored = new Set(req.ignore);
  let names: string[];
  if (req.features) names = req.features;
  else {
    names = columns.filter((c) => c.name !== req.target && !ignored.has(c.name)).map((c) => c.name);
    const text = names.filter((n) => byName.get(n)?.type === "text");
    if (text.length) warnings.push(`free-text columns left out: ${text.join(", ")} (name them in "features" to use them as categories)`);
    names = names.filter((n) => byName.get(n)?.type !== "text");
  }
  if (errors.length === 0 && names.length === 0) errors.push({ path: "features", message: "no feature columns are left to learn from" });
  if (errors.length) throw new AppError("validation_failed", errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  const features = names.map((name) => {
    const type = byName.get(name)!.type;
    return { name, type: type === "text" ? ("categorical" as const) : type };
  });
  return { task, features, warnings };
}
