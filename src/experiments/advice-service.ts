import { z } from "zod";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { AppError, requireTenant } from "../errors.js";
import { readProfiles } from "../tables/profile.js";
import { DataRequestSchema, estimateInputGroups, resolveSingleInputColumns, sizingAdvice, type SizingAdvice } from "../training/index.js";

/** The columns and split a job would use: what the advice is computed for (no model). */
export const AdviceRequestSchema = DataRequestSchema;
export type AdviceRequest = z.infer<typeof AdviceRequestSchema>;

const RuleSchema = z.object({
  name: z.string(),
  source: z.string(),
  formula: z.string(),
  value: z.number().nullable().describe("This dataset's number (null: the formula has none here)"),
  range: z.tuple([z.number(), z.number()]).optional(),
  note: z.string().optional().describe("Where the rule stops making sense, or what was assumed"),
});

export const AdviceSchema = z.object({
  inputs: z.number().int().describe("N_i: inputs after encoding"),
  outputs: z.number().int().describe("N_o: output units (1 for binary and regression)"),
  trainingRows: z.number().int().describe("N_s: rows the split leaves for training"),
  rules: z.array(RuleSchema),
  depth: z.object({ source: z.string(), hint: z.string() }),
  space: z
    .object({ type: z.literal("mlp"), hiddenLayers: z.array(z.number().int()), units: z.array(z.number().int()) })
    .describe("Candidate layer counts and widths from the rules' sensible values, for a search"),
  search: z
    .record(z.string(), z.unknown())
    .describe(
      "A ready POST /v1/experiments body: one hidden layer over the rules' widths and a few below and above them, on 3 folds, whose complexity graph (complexity.svg) tests the rules on this data",
    ),
});
export type Advice = z.infer<typeof AdviceSchema>;

/** Widths for the complexity graph: the rules' own, then two halvings below and two doublings above them, within 1..maxUnits. */
export function complexityWidths(units: number[], maxUnits: number): number[] {
  const lo = Math.min(...units);
  const hi = Math.max(...units);
  const around = [lo / 4, lo / 2, ...units, hi * 2, hi * 4].map((u) => Math.round(u)).filter((u) => u >= 1 && u <= maxUnits);
  return [...new Set(around)].sort((a, b) => a - b);
}

/** Rules of thumb for a network's hidden size, on one dataset's encoded inputs, outputs and rows. */
export class AdviceService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {}

  async hiddenUnits(tenant: string, body: AdviceRequest): Promise<Advice> {
    requireTenant(tenant);
    const dataset = await this.db.dataset.findFirst({ where: { id: body.datasetId, tenant, status: "ready" } });
    if (!dataset) throw new AppError("not_found", `dataset ${body.datasetId} not found`, [{ path: "datasetId", message: "no such dataset" }]);
    const columns = readProfiles(dataset.columns);
    // The inputs a single-input network on these columns would get (the encoding a job would use).
    const req = body;
    const resolved = resolveSingleInputColumns(req, columns);
    const inputs = estimateInputGroups(resolved, columns, req).reduce((w, g) => w + g.width, 0);
    const classes = resolved.task === "classification" ? (columns.find((c) => c.name === req.target)?.distinct ?? 2) : 0;
    const outputs = classes > 2 ? classes : 1;
    const rows = Math.round(dataset.rows * (1 - req.split.test - req.split.validation));
    const advice: SizingAdvice = sizingAdvice({ inputs, outputs, rows, maxUnits: this.config.MAX_UNITS });
    const search = {
      kind: "search",
      method: "grid",
      ...body,
      crossValidation: { folds: 3 },
      // No early stopping: it would stop the large networks before they overfit, and hide the turn the graph is for.
      training: { epochs: 100, batchSize: 32, optimizer: { type: "adam", learningRate: 0.005 } },
      space: { type: "mlp", hiddenLayers: [1], units: complexityWidths(advice.space.units, this.config.MAX_UNITS) },
      complexityBy: "layers",
    };
    return { ...advice, search };
  }
}
