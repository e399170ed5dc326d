/** An AutoML winner (Model.type "ensemble") served through its member models: predictions and one ONNX graph. */
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { AppError } from "../errors.js";
import type { Model } from "../../generated/prisma/client.js";
import { argmax, ModelSummarySchema, readWeightSpecs } from "../training/index.js";
import type { EnsembleFile } from "../ensemble-file.js";
import { WeightStore } from "../weight-store.js";
import { buildInThread } from "./export-thread.js";
import type { Prediction } from "./prediction.js";

type ModelRow = Omit<Model, "weightData">;

/** An ensemble's ONNX: every member model in one graph (export-build.ts), built in a thread. A member without ONNX is a 409 naming it. */
export async function ensembleOnnx(db: Db, config: Config, m: ModelRow, file: EnsembleFile, formatsOfRow: (row: ModelRow) => string[]): Promise<Buffer> {
  const rows: Array<{ row: ModelRow; weight: number }> = [];
  for (const member of file.members) {
    for (const id of member.modelIds) {
      const row = await db.model.findFirst({ where: { id, tenant: m.tenant }, omit: { weightData: true } });
      if (!row) throw new AppError("conflict", `ensemble ${m.id} has no ONNX file: its member model ${id} (${member.name}) was deleted`);
      if (!formatsOfRow(row).includes("onnx"))
        throw new AppError(
          "conflict",
          `ensemble ${m.id} has no ONNX file: its member ${member.name} (a ${row.type}) has no ONNX export; download ensemble.json and each member's own files`,
        );
      rows.push({ row, weight: member.weight / member.modelIds.length });
    }
  }
  const outcome = await buildInThread(async () => {
    const store = new WeightStore(db.pool);
    const members = [];
    for (const { row, weight } of rows) {
      const pieces = await store.readPieces(row.id);
      if (!pieces) throw new AppError("conflict", `ensemble ${m.id} has no ONNX file: its member model ${row.id} was deleted`);
      members.push({
        type: row.type,
        artifacts: { topology: row.topology as object, weightSpecs: readWeightSpecs(row.weightSpecs) },
        pieces,
        preprocessing: row.preprocessing,
        weight,
      });
    }
    return {
      format: "onnx" as const,
      type: m.type,
      artifacts: { topology: m.topology as object, weightSpecs: [] },
      pieces: [],
      preprocessing: m.preprocessing,
      meta: { modelId: m.id, jobId: m.jobId, target: m.target },
      config: config,
      members,
    };
  });
  if ("refused" in outcome) throw new AppError("conflict", `ensemble ${m.id} cannot be exported as onnx: ${outcome.refused}`);
  return Buffer.from(outcome.file.buffer, outcome.file.byteOffset, outcome.file.byteLength);
}

/**
 * An ensemble's prediction: each member model predicts the raw rows (its own preprocessing),
 * a candidate's fold models are averaged, candidates weighted. Bounded before any work by the
 * members' parameters together (the ensemble's summary sums them).
 */
export async function predictEnsemble(
  config: Config,
  m: ModelRow,
  file: EnsembleFile,
  rows: Array<Record<string, unknown>>,
  explain: boolean,
  /** A member model's predictions of the same rows (its own checks and preprocessing). */
  predictMember: (modelId: string) => Promise<Prediction[]>,
): Promise<Prediction[]> {
  if (explain)
    throw new AppError("bad_request", "an ensemble does not explain its predictions", [{ path: "explain", message: "not available for an ensemble" }]);
  const params = Math.max(1, ModelSummarySchema.parse(m.summary).totalParams);
  if (rows.length * params > config.MAX_PREDICT_OPS) {
    const most = Math.max(1, Math.floor(config.MAX_PREDICT_OPS / params));
    throw new AppError(
      "payload_too_large",
      `rows x parameters is ${rows.length} x ${params} (the ensemble's members together), over MAX_PREDICT_OPS (${config.MAX_PREDICT_OPS}): send at most ${most} rows per request to this model`,
      [{ path: "rows", message: `at most ${most} rows for this model` }],
    );
  }
  const labels = m.labels as string[];
  const regression = labels.length === 0;
  const sums = rows.map(() => new Float64Array(regression ? 1 : labels.length));
  for (const member of file.members) {
    for (const modelId of member.modelIds) {
      const w = member.weight / member.modelIds.length;
      let out: Prediction[];
      try {
        out = await predictMember(modelId);
      } catch (err) {
        if (err instanceof AppError && err.code === "not_found")
          throw new AppError("conflict", `ensemble ${m.id} cannot predict: its member model ${modelId} (${member.name}) was deleted`);
        throw err;
      }
      out.forEach((p, i) => {
        if ("value" in p) sums[i]![0]! += w * p.value;
        else labels.forEach((l, c) => (sums[i]![c]! += w * (p.probabilities[l] ?? 0)));
      });
    }
  }
  if (regression) return sums.map((s) => ({ value: s[0]! }));
  return sums.map((s) => {
    const values = Float32Array.from(s);
    return { label: labels[argmax(values, 0, labels.length)]!, probabilities: Object.fromEntries(labels.map((l, c) => [l, s[c]!])) };
  });
}
