/**
 * What issue 19's attacks cost the API now, each against the old way measured in the same run:
 *  - summary: a Keras spec with Orthogonal Dense(1024) -> Dense(1024) described from its shapes
 *    (what the API does now) vs built with tfjs and summarized (what it did), in ms of one thread;
 *  - profiler: 1,000 columns x 5,000 rows of distinct strings profiled with the per-upload budget
 *    vs with none (the old per-column cap only), peak RSS of a child process each and the longest
 *    synchronous stretch of the ingest;
 *  - export: a 4.2M-parameter network's first ONNX built in a worker thread (what the API does) vs
 *    on the calling thread, with the calling thread's worst event-loop delay for each;
 *  - weights: that network's 16.9 MB stored and read back as 1 MiB pieces, one statement each
 *    (what a worker and the API do now) vs as one bytea value (what they did), on the local
 *    Postgres (BENCH_DATABASE_URL, default the tests' database), with the worst loop delay.
 * Run alone: `node --import tsx bench/hardening.ts` (prints JSON).
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { tfl } from "../src/training/engine/tf.js";
import { initBackend } from "../src/training/engine/backend.js";
import { describeNetwork } from "../src/training/job/describe-network.js";
import { familyOf } from "../src/training/families/index.js";
import { summarize, toArtifacts } from "../src/training/formats/tfjs.js";
import { ModelSpecSchema } from "../src/training/families/index.js";
import { ingest } from "../src/datasets/ingest.js";
import { buildExportFile } from "../src/models/export-build.js";
import { buildInThread } from "../src/models/export-thread.js";

const SELF = fileURLToPath(import.meta.url);

/** Runs `work` while watching this thread's event loop; returns ms taken and the worst delay seen. */
async function watched<T>(work: () => Promise<T>): Promise<{ ms: number; worstLoopMs: number; result: T }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = performance.now();
  const result = await work();
  const ms = performance.now() - t0;
  await new Promise((r) => setImmediate(r));
  h.disable();
  return { ms: +ms.toFixed(1), worstLoopMs: +(h.max / 1e6).toFixed(1), result };
}

async function summary() {
  await initBackend("auto");
  const orthogonal = { class_name: "Orthogonal", config: { gain: 1, seed: null } };
  const layer = (i: number) => ({
    class_name: "Dense",
    config: { name: `dense_${i}`, units: 1024, kernel_initializer: orthogonal, ...(i === 0 ? { batch_input_shape: [null, 1024] } : {}) },
  });
  const spec = ModelSpecSchema.parse({ type: "keras", modelTopology: { class_name: "Sequential", config: { name: "s", layers: [layer(0), layer(1)] } } });
  const groups = [{ name: "input", columns: [], encoding: "onehot" as const, start: 0, width: 1024 }];
  const ctx = { task: "regression" as const, classes: 0, seed: 1, keepOutput: true };
  const shapes = await watched(() => describeNetwork(spec, groups, ctx));
  const built = await watched(async () => {
    const net = await familyOf(spec).build(spec, groups, ctx);
    const s = summarize(net.model);
    net.model.dispose();
    return s;
  });
  return {
    params: shapes.result.summary.totalParams,
    fromShapesMs: shapes.ms,
    builtWithTfjsMs: built.ms,
    ratio: +(built.ms / Math.max(shapes.ms, 0.01)).toFixed(0),
    sameSummary: JSON.stringify(shapes.result.summary) === JSON.stringify(built.result),
  };
}

/** In a child process: profiles the wide file with or without the per-upload budget; prints peak RSS. */
async function profileChild(budgeted: boolean) {
  const columns = 1000,
    rows = 5000;
  function* lines() {
    yield Buffer.from(Array.from({ length: columns }, (_, c) => `c${c}`).join(",") + "\n");
    for (let r = 0; r < rows; r++) yield Buffer.from(Array.from({ length: columns }, (_, c) => `s${(r * columns + c).toString(36)}`).join(",") + "\n");
  }
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const run = await watched(() =>
    ingest(Readable.from(lines()), {
      format: "csv",
      limits: { maxBytes: 1e9, maxRows: 1e7, maxColumns: 2000, maxCells: 1e8, maxLineBytes: 1 << 20 },
      onChunk: async () => undefined,
      ...(budgeted ? {} : { distinctBudget: Infinity }),
    }),
  );
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    JSON.stringify({
      budgeted,
      seconds: +(run.ms / 1000).toFixed(1),
      worstLoopMs: run.worstLoopMs,
      rssGrowthMB: Math.round((peak - before) / 2 ** 20),
      distinctKept: run.result.columns.reduce((s: number, c: { distinct: number }) => s + c.distinct, 0),
    }),
  );
}

function profiler() {
  const child = (budgeted: boolean) =>
    JSON.parse(
      execFileSync(process.execPath, ["--import", "tsx", SELF, "--profile", budgeted ? "budgeted" : "unbounded"], { encoding: "utf8", maxBuffer: 1 << 20 })
        .trim()
        .split("\n")
        .at(-1)!,
    );
  return { columns: 1000, rows: 5000, budgeted: child(true), unbounded: child(false) };
}

async function exportFirst() {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 2048, activation: "relu" }),
      tfl.layers.dense({ units: 2048, activation: "relu" }),
      tfl.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
  const a = await toArtifacts(model);
  model.dispose();
  const names = ["a", "b", "c", "d"];
  const preprocessing = {
    version: 2,
    features: names.map((name) => ({ name, kind: "numeric", scaling: "standardize", missing: "mean", offset: 0, divisor: 1, fill: 0 })),
    inputs: names,
    groups: [{ name: "input", columns: names, encoding: "onehot", start: 0, width: 4 }],
    target: { name: "y", task: "classification", labels: ["0", "1", "2"] },
    outputMode: "softmax",
    task: "classification",
  };
  const pieces = () =>
    Array.from({ length: Math.ceil(a.weightData.length / 2 ** 20) }, (_, i) => Uint8Array.prototype.slice.call(a.weightData, i * 2 ** 20, (i + 1) * 2 ** 20));
  const task = () => ({
    format: "onnx" as const,
    type: "sequential",
    artifacts: { topology: a.topology, weightSpecs: a.weightSpecs },
    pieces: pieces(),
    preprocessing,
    meta: { modelId: "m", jobId: "j", target: "y" },
  });
  const inThread = await watched(() => buildInThread(async () => task()));
  const inline = await watched(() => buildExportFile(task()));
  const size = (o: unknown) => ("file" in (o as object) ? (o as { file: Uint8Array }).file.length : 0);
  return {
    params: 4 * 2048 + 2048 + 2048 * 2048 + 2048 + 2049 * 3,
    bytes: size(inThread.result),
    thread: { ms: inThread.ms, worstLoopMs: inThread.worstLoopMs },
    inline: { ms: inline.ms, worstLoopMs: inline.worstLoopMs },
    sameFile: size(inThread.result) === size(inline.result),
  };
}

async function weights() {
  const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/treino_test", max: 2 });
  const schema = `bench_${process.pid}`;
  try {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(`CREATE TABLE "${schema}".one ("id" uuid PRIMARY KEY, "data" bytea NOT NULL)`);
    await pool.query(`CREATE TABLE "${schema}".pieces ("id" uuid, "seq" int, "data" bytea NOT NULL, PRIMARY KEY ("id", "seq"))`);
    const bytes = Buffer.from(new Float32Array(4_212_739).map((_, i) => Math.sin(i)).buffer);
    const id = randomUUID();
    const piece = 2 ** 20;
    const oneWrite = await watched(() => pool.query(`INSERT INTO "${schema}".one VALUES ($1, $2)`, [id, bytes]));
    const oneRead = await watched(async () => (await pool.query<{ data: Buffer }>(`SELECT "data" FROM "${schema}".one WHERE "id" = $1`, [id])).rows[0]!.data);
    const piecesWrite = await watched(async () => {
      for (let seq = 0; seq * piece < bytes.length; seq++)
        await pool.query(`INSERT INTO "${schema}".pieces VALUES ($1, $2, $3)`, [id, seq, bytes.subarray(seq * piece, (seq + 1) * piece)]);
    });
    const piecesRead = await watched(async () => {
      const out: Buffer[] = [];
      for (let seq = 0; ; seq++) {
        const r = await pool.query<{ data: Buffer }>(`SELECT "data" FROM "${schema}".pieces WHERE "id" = $1 AND "seq" = $2`, [id, seq]);
        if (!r.rows[0]) return Buffer.concat(out);
        out.push(r.rows[0].data);
      }
    });
    const pick = (w: { ms: number; worstLoopMs: number }) => ({ ms: w.ms, worstLoopMs: w.worstLoopMs });
    return {
      bytes: bytes.length,
      sameBytes: oneRead.result.equals(bytes) && piecesRead.result.equals(bytes),
      oneValue: { write: pick(oneWrite), read: pick(oneRead) },
      pieces: { write: pick(piecesWrite), read: pick(piecesRead) },
    };
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

export async function benchHardening() {
  return { summary: await summary(), profiler: profiler(), export: await exportFirst(), weights: await weights() };
}

if (process.argv[1] === SELF) {
  const at = process.argv.indexOf("--profile");
  if (at > 0) await profileChild(process.argv[at + 1] === "budgeted");
  else console.log(JSON.stringify(await benchHardening(), null, 2));
}
