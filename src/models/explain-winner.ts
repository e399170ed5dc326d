/**
 * An AutoML winner explained on the rows it never saw: permutation importance per original column
 * (Breiman, Machine Learning 45, 2001, section 10; scikit-learn's permutation_importance) and
 * partial dependence of the top columns (Friedman, Annals of Statistics 29, 2001, section 8.2).
 * With CV, each fold's rows are predicted by the members' models of that fold only, so every row
 * is held out from every model that scores it. Runs in the worker (the experiment's last step),
 * never on the API; the work is sized to the input's `seconds` from timed passes.
 */
import { setImmediate as yieldLoop } from "node:timers/promises";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { DatasetService } from "../datasets/dataset-service.js";
import { ENSEMBLE_TYPE, type EnsembleFile, type ExplainInput, type Explanation } from "../ensemble-file.js";
import { encodeRow, mulberry32, readStoredPreprocessing, readWeightSpecs, servingOf, type Predictor, type StoredPreprocessing } from "../training/index.js";
import { WeightStore } from "../weight-store.js";

/** Rows explained at most (across folds). */
const MAX_ROWS = 1000;
/** Columns with a partial-dependence curve, and points per curve. */
const TOP = 3;
const GRID = 12;

interface Member {
  predictor: Predictor;
  prep: StoredPreprocessing;
  weight: number;
}

type Override = (column: string, i: number, part: number) => string | undefined;

export async function explainWinner(db: Db, config: Config, input: ExplainInput): Promise<Explanation | undefined> {
  // The time counts from here: reading the table and loading every fold model (30 forests of an
  // ensemble took most of Spotify's first budget) are part of it.
  const deadline = performance.now() + input.seconds * 1000;
  const model = await db.model.findFirst({ where: { id: input.modelId, tenant: input.tenant, type: ENSEMBLE_TYPE }, omit: { weightData: true } });
  const dataset = await db.dataset.findFirst({ where: { id: input.datasetId, tenant: input.tenant } });
  const bytes = model && (await new WeightStore(db.pool).read(model.id));
  if (!model || !dataset || !bytes) return undefined;
  const file = JSON.parse(bytes.toString("utf8")) as EnsembleFile;
  const columns = model.features as string[];
  const labels = model.labels as string[];
  const width = labels.length || 1;
  const table = await new DatasetService(db, config).readTable(dataset, { only: new Set(columns) });

  // Each fold's models: the members' model of that fold, weighted (a holdout has one fold).
  const byFold = new Map<number, Member[]>();
  const store = new WeightStore(db.pool);
  for (const m of file.members) {
    for (const [j, id] of m.modelIds.entries()) {
      const fold = m.folds?.[j] ?? 0;
      const row = await db.model.findFirst({ where: { id, tenant: input.tenant }, omit: { weightData: true } });
      const weights = row && (await store.read(id));
      if (!row || !weights) return undefined; // a member deleted meanwhile: nothing to explain
      const prep = readStoredPreprocessing(row.preprocessing);
      const artifacts = { topology: row.topology as object, weightSpecs: readWeightSpecs(row.weightSpecs), weightData: weights };
      // Loading every fold model can take longer than the explanation's share (large forests): then it is not explained.
      if (performance.now() > deadline) {
        for (const ms of byFold.values()) for (const loaded of ms) loaded.predictor.dispose();
        throw new Error(
          `loading its ${file.members.reduce((n, x) => n + x.modelIds.length, 0)} fold models took longer than its ${input.seconds} s share of the budget`,
        );
      }
      const predictor = await servingOf(row.type).load(artifacts, prep, config.TFJS_BACKEND);
      const share = m.weight / m.modelIds.filter((_, k) => (m.folds?.[k] ?? 0) === fold).length;
      byFold.set(fold, [...(byFold.get(fold) ?? []), { predictor, prep, weight: share }]);
    }
  }
  try {
    const random = mulberry32(0x5eed);
    const take = (n: number) =>
      input.folds.map((f) => {
        const order = f.rows.map((_, i) => i);
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        const k = order.slice(0, Math.ceil(n / input.folds.length));
        return { fold: f.fold, rows: k.map((i) => f.rows[i]!), truth: Float64Array.from(k, (i) => f.truth[i]!) };
      });
    let parts = take(MAX_ROWS);
    const raw = (c: string, row: number) => table.column(c)?.get(row);

    /** The ensemble's predictions on every part's rows, a column overridden where asked. */
    const predict = async (override?: Override): Promise<Float32Array[]> => {
      const out: Float32Array[] = [];
      for (const [k, p] of parts.entries()) {
        const sum = new Float32Array(p.rows.length * width);
        for (const m of byFold.get(p.fold) ?? []) {
          const w = m.prep.inputs.length;
          const x = new Float32Array(p.rows.length * w);
          p.rows.forEach((row, i) => encodeRow(m.prep.features, (c) => override?.(c, i, k) ?? raw(c, row), x, i * w));
          const { values } = await m.predictor.scores(x, p.rows.length);
          for (let i = 0; i < sum.length; i++) sum[i]! += m.weight * values[i]!;
          await yieldLoop(); // the worker's loop renews its jobs' locks: hand it back between models
        }
        out.push(sum);
      }
      return out;
    };
    const scoreOf = (preds: Float32Array[]) => {
      const n = parts.reduce((s, p) => s + p.rows.length, 0);
      const all = new Float32Array(n * width);
      const truth = new Float64Array(n);
      let at = 0;
      parts.forEach((p, k) => {
        all.set(preds[k]!, at * width);
        truth.set(p.truth, at);
        at += p.rows.length;
      });
      return input.score(all, truth);
    };

    // One timed pass sizes the rest, with half the time left as the target (a first pass runs
    // warm code less often than later ones): repeats (1-3) and, if even one would not fit, fewer rows.
    const started = performance.now();
    let base = scoreOf(await predict());
    const pass = (performance.now() - started) / 1000;
    const target = Math.max(0, (deadline - performance.now()) / 1000) / 2;
    const passes = columns.length + TOP * GRID;
    let repeats = Math.max(1, Math.min(3, Math.floor((target - TOP * GRID * pass) / Math.max(1e-3, pass * columns.length))));
    if (pass * passes > target) {
      const rows = parts.reduce((s, p) => s + p.rows.length, 0);
      parts = take(Math.max(50, Math.floor((rows * target) / (pass * passes))));
      base = scoreOf(await predict());
      repeats = 1;
    }
    const importanceStarted = performance.now();

    const importance = [];
    for (const column of columns) {
      const drops: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const perms = parts.map((p) => {
          const order = p.rows.map((_, i) => i);
          for (let i = order.length - 1; i > 0; i--) {
            const j = Math.floor(random() * (i + 1));
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          return order;
        });
        const shuffled = await predict((c, i, k) => (c === column ? raw(column, parts[k]!.rows[perms[k]![i]!]!) : undefined));
        drops.push(base - scoreOf(shuffled));
      }
      const mean = drops.reduce((a, b) => a + b, 0) / drops.length;
      const std = Math.sqrt(drops.reduce((a, d) => a + (d - mean) ** 2, 0) / drops.length);
      importance.push({ column, drop: mean, std });
    }
    importance.sort((a, b) => b.drop - a.drop || (a.column < b.column ? -1 : 1));

    const kinds = new Map(
      byFold
        .values()
        .next()
        .value![0]!.prep.features.map((f) => [f.name, f.kind]),
    );
    // The curves get the time left: as many points as the importance passes' pace fits (3 at least).
    const perPass = (performance.now() - importanceStarted) / Math.max(1, columns.length * repeats);
    const gridSize = Math.max(3, Math.min(GRID, Math.floor((deadline - performance.now()) / Math.max(1, TOP * perPass))));
    const dependence = [];
    // Past its time already (a slow pass): the importance stands, the curves are left out.
    for (const { column } of performance.now() < deadline ? importance.slice(0, TOP) : []) {
      const values = parts.flatMap((p) => p.rows.map((row) => raw(column, row) ?? "")).filter((v) => v !== "");
      const numeric = kinds.get(column) === "numeric";
      const grid = numeric ? quantiles(values.map(Number).filter(Number.isFinite), gridSize) : mostFrequent(values, gridSize);
      const points = [];
      for (const x of grid) {
        const preds = await predict((c) => (c === column ? String(x) : undefined));
        const n = preds.reduce((s, p) => s + p.length / width, 0);
        const y = new Array<number>(width).fill(0);
        for (const p of preds) for (let i = 0; i < p.length; i++) y[i % width]! += p[i]! / n;
        points.push({ x, y });
      }
      dependence.push({ column, kind: numeric ? ("numeric" as const) : ("categorical" as const), outputs: labels.length ? labels : ["value"], points });
    }
    return { rows: parts.reduce((s, p) => s + p.rows.length, 0), repeats, importance, dependence };
  } finally {
    for (const ms of byFold.values()) for (const m of ms) m.predictor.dispose();
  }
}

/** Up to `k` distinct quantiles of the values, in order. */
function quantiles(values: number[], k: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return [];
  const out = Array.from({ length: k }, (_, i) => sorted[Math.min(sorted.length - 1, Math.round((i / (k - 1)) * (sorted.length - 1)))]!);
  return [...new Set(out)];
}

/** The `k` most frequent values, most frequent first. */
function mostFrequent(values: string[], k: number): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, k)
    .map(([v]) => v);
}
