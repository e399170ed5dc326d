import type { ColumnProfile } from "../../tables/profile.js";
import { resolveColumnsFor, type ResolvedColumns } from "../data/columns.js";
import type { RequestBase } from "../spec/request.js";
import { SINGLE_INPUT } from "../spec/graph.js";
import { familyOf, type ModelSpec } from "../families/index.js";

type Request = Parameters<typeof resolveColumnsFor>[0] & { model: ModelSpec; crossValidation?: RequestBase["crossValidation"] };

/** resolveColumns with the inputs and request checks of the request's model family. */
export function resolveColumns(req: Request, columns: ColumnProfile[]): ResolvedColumns {
  const family = familyOf(req.model);
  const errors = family.checkRequest?.({ crossValidation: req.crossValidation, training: req.training }) ?? [];
  return resolveColumnsFor(req, columns, { inputs: family.inputs(req.model), errors });
}

/** resolveColumns for a model with one input taking every feature (the sizing advice asks of no model). */
export function resolveSingleInputColumns(req: Parameters<typeof resolveColumnsFor>[0], columns: ColumnProfile[]): ResolvedColumns {
  return resolveColumnsFor(req, columns, { inputs: [{ name: SINGLE_INPUT, encoding: "onehot" }], errors: [] });
}
