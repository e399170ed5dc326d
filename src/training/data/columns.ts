import type { FieldError } from "../../errors.js";
import { SpecError } from "../spec/training-error.js";
import type { ColumnProfile, ColumnType } from "../../tables/profile.js";
import { checkSettings, columnSettings, type FeatureKind } from "./encoding.js";
import type { RequestBase } from "../spec/request.js";
import type { DeclaredInput } from "../spec/network-context.js";
import { LOSSES } from "../spec/training-options.js";

import type { Task } from "../spec/network-context.js";
export type { Task };

/** The columns each model input reads, in the model's input order. */
export interface ColumnGroup {
  name: string;
  columns: string[];
  encoding: "onehot" | "index";
}

export interface ResolvedColumns {
  task: Task;
  /** In group order: the columns of the first input, then the second's, ... */
  features: Array<{ name: string; type: FeatureKind; asIndex?: boolean }>;
  groups: ColumnGroup[];
  /** The target's type after overrides. */
  targetType: ColumnType;
  warnings: string[];
}

/** Numeric targets with at most this many distinct values are read as class labels. */
const MAX_NUMERIC_CLASSES = 10;
const MAX_CLASSES = 1000;

type ColumnsRequest = Pick<RequestBase, "target" | "features" | "ignore" | "task" | "columns" | "preprocessing" | "inputs"> & {
  training?: Pick<RequestBase["training"], "loss" | "sampleWeight">;
};

/** What the model's family says of the request: its inputs in order, and its own checks' errors. */
export interface DeclaredModel {
  inputs: DeclaredInput[];
  errors: FieldError[];
}

/** Maps columns to model inputs: `inputs` when given, else every feature to the single input. */
function groupColumns(
  req: ColumnsRequest,
  declared: DeclaredInput[],
  names: string[],
  byName: Map<string, ColumnProfile>,
  errors: FieldError[],
): ColumnGroup[] {
  if (!req.inputs) {
    if (declared.length > 1) {
      errors.push({
        path: "inputs",
        message: `the model has inputs ${declared.map((d) => `"${d.name}"`).join(", ")}: map columns to each with "inputs": {"<input>": ["col", ...]}`,
      });
      return [];
    }
    return [{ name: declared[0]!.name, columns: names, encoding: declared[0]!.encoding }];
  }
  if (req.features) errors.push({ path: "features", message: 'give either "features" or "inputs" (which names the features)' });
  const seen = new Map<string, string>();
  for (const [input, cols] of Object.entries(req.inputs)) {
    if (!declared.some((d) => d.name === input))
      errors.push({ path: `inputs.${input}`, message: `the model has no input "${input}"; it has ${declared.map((d) => `"${d.name}"`).join(", ")}` });
    cols.forEach((c, j) => {
      const path = `inputs.${input}[${j}]`;
      if (!byName.has(c)) errors.push({ path, message: `unknown column "${c}"` });
      else if (c === req.target) errors.push({ path, message: "the target cannot also be a feature" });
      else if (seen.has(c)) errors.push({ path, message: `"${c}" already goes to input "${seen.get(c)}"` });
      seen.set(c, input);
    });
  }
  return declared.flatMap((d) => {
    const cols = req.inputs![d.name];
    if (!cols) {
      errors.push({ path: "inputs", message: `model input "${d.name}" has no columns` });
      return [];
    }
    if (d.encoding === "index" && (cols.length !== 1 || !["categorical", "text"].includes(byName.get(cols[0]!)?.type ?? ""))) {
      errors.push({ path: `inputs.${d.name}`, message: "an input with encoding: index takes exactly one categorical column" });
    }
    return [{ name: d.name, columns: cols, encoding: d.encoding }];
  });
}

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
 * `model` is what the model's family declares (job/resolve-columns.ts asks the registry).
 */
export function resolveColumnsFor(req: ColumnsRequest, columns: ColumnProfile[], model: DeclaredModel): ResolvedColumns {
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

  const weight = req.training?.sampleWeight;
  if (weight) {
    const w = byName.get(weight);
    if (!w) errors.push({ path: "training.sampleWeight", message: `unknown column "${weight}"` });
    else if (w.type !== "numeric" || (w.min ?? 0) < 0)
      errors.push({ path: "training.sampleWeight", message: `"${weight}" must be a numeric column of weights >= 0` });
    else if (weight === req.target) errors.push({ path: "training.sampleWeight", message: "the target cannot be the weights" });
  }
  errors.push(...model.errors);
  const loss = req.training?.loss;
  if (loss && target && !(LOSSES[task] as readonly string[]).includes(loss)) {
    errors.push({ path: "training.loss", message: `${loss} is not a ${task} loss; use one of ${LOSSES[task].join(", ")}` });
  }

  const ignored = new Set(req.ignore);
  let names: string[];
  if (req.features) names = req.features;
  else {
    names = columns.map((c) => c.name).filter((n) => n !== req.target && n !== weight && !ignored.has(n));
    const text = names.filter((n) => byName.get(n)?.type === "text");
    if (text.length) warnings.push(`free-text columns left out: ${text.join(", ")} (name them in "features" to use them as categories)`);
    names = names.filter((n) => byName.get(n)?.type !== "text");
  }
  if (weight && names.includes(weight)) errors.push({ path: "training.sampleWeight", message: `"${weight}" is also a feature: weights are not learned from` });
  const groups = errors.length ? [] : groupColumns(req, model.inputs, names, byName, errors);
  if (groups.length) names = groups.flatMap((g) => g.columns);
  const indexed = new Set(groups.filter((g) => g.encoding === "index").flatMap((g) => g.columns));
  const ids = names.filter((n) => byName.get(n)?.identifier);
  if (ids.length) warnings.push(`${ids.join(", ")}: a different value in every row; if it is an identifier, add it to "ignore"`);
  if (errors.length === 0 && names.length === 0) errors.push({ path: "features", message: "no feature columns are left to learn from" });

  const features = names
    .filter((n) => byName.has(n))
    .map((name) => {
      const type = byName.get(name)!.type;
      return { name, type: type === "text" ? ("categorical" as const) : type, ...(indexed.has(name) ? { asIndex: true } : {}) };
    });
  for (const f of features) errors.push(...checkSettings(f.name, f.type, columnSettings(f.name, f.type, req.preprocessing)));
  if (errors.length) throw SpecError.of(errors);
  return { task, features, groups, targetType: target!.type, warnings };
}
