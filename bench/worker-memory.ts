/**
 * Peak memory of a training process on a dataset at the default limits: 2,000,000 rows x 20
 * columns (MAX_ROWS, MAX_CELLS, under MAX_UPLOAD_BYTES), stored through the real upload path.
 *  - baseline: the stored file read back as string[][] (the layout workers used before), in a
 *    child process of its own: its peak RSS;
 *  - ours (read): the same file read by DatasetService.readTable (columns, float64 / codes);
 *  - ours (job): a real worker process training an ELM on it; its training process's peak RSS.
 * `node --import tsx bench/worker-memory.ts` alone, or within `npm run bench` (BENCH_MEMORY=0 skips).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse";
import { loadConfig } from "../src/config.js";
import { createDb } from "../src/db.js";
import { DatasetService } from "../src/datasets/dataset-service.js";
import { ChunkStore } from "../src/datasets/chunk-store.js";
import { JobService } from "../src/jobs/job-service.js";
import { TrainQueues } from "../src/queue.js";
import { JobRequestSchema } from "../src/training/job/job-request.js";
import { BASE_URL, createSchema, dropSchema } from "../test/harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ROWS = Number(process.env.BENCH_MEMORY_ROWS ?? 2_000_000);

/** 20 columns: 14 numbers, 5 categories, a 0/1 target; ~40 bytes a row (2M rows < 100 MiB). */
function generated(rows: number): Readable {
  return Readable.from(
    (function* () {
      yield Buffer.from([...Array.from({ length: 14 }, (_, i) => `n${i}`), "c0", "c1", "c2", "c3", "c4", "y"].join(",") + "\n");
      for (let start = 0; start < rows; start += 5000) {
        const lines: string[] = [];
        for (let i = start; i < Math.min(rows, start + 5000); i++) {
          const nums = Array.from({ length: 14 }, (_, k) => ((i * (k + 3)) % 97) % 10);
          lines.push([...nums, "abcde"[i % 5], "xyz"[(i >> 2) % 3], "pq"[i % 2], "uvw"[(i >> 3) % 3], "rs"[(i >> 1) % 2], (nums[0]! + nums[1]!) % 2].join(","));
        }
        yield Buffer.from(lines.join("\n") + "\n");
      }
    })(),
  );
}

const peakMB = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/** `read <strings|columns>` mode: read the dataset and report this process's peak RSS. */
async function readMode(mode: string, datasetId: string) {
  const config = loadConfig();
  const db = createDb(config.DATABASE_URL);
  const dataset = await db.dataset.findUniqueOrThrow({ where: { id: datasetId } });
  let rows = 0;
  let keep: unknown;
  if (mode === "strings") {
    const all: string[][] = [];
    await pipeline(
      Readable.from(new ChunkStore(db.pool).read(datasetId)),
      parse(),
      new Writable({
        objectMode: true,
        write(r: string[], _e, done) {
          all.push(r);
          done();
        },
      }),
    );
    rows = all.length - 1;
    keep = all;
  } else {
    const table = await new DatasetService(db, config).readTable(dataset);
    rows = table.rowCount;
    keep = table;
  }
  console.log(JSON.stringify({ rows, peakMB: Math.round(peakMB(process.pid)), kept: keep !== undefined }));
  await db.$disconnect();
  await db.pool.end();
}

function child(args: string[], env: NodeJS.ProcessEnv): Promise<{ rows: number; peakMB: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout!.on("data", (d) => (out += d));
    p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(`read child exited ${code}`))));
  });
}

export async function benchWorkerMemory() {
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  await createSchema(schema);
  const env = { ...process.env, DATABASE_URL: `${BASE_URL}?schema=${schema}`, QUEUE_PREFIX: `bench-${schema}`, LOG_LEVEL: "warn", API_KEYS: "" };
  const config = loadConfig(env);
  const db = createDb(config.DATABASE_URL);
  const queues = new TrainQueues(config, () => undefined);
  const worker = spawn(process.execPath, ["--import", "tsx", `${ROOT}src/workers/main.ts`], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let logs = "";
  worker.stdout!.on("data", (d) => (logs += d));
  worker.stderr!.on("data", (d) => (logs += d));
  try {
    const t0 = performance.now();
    const { dataset } = await new DatasetService(db, config).create("bench", generated(ROWS), { name: "memory", format: "csv" });
    const uploadSeconds = (performance.now() - t0) / 1000;
    const baseline = await child(["read", "strings", dataset.id], env);
    const columns = await child(["read", "columns", dataset.id], env);
    for (let i = 0; i < 300 && !logs.includes("worker ready"); i++) await sleep(100);
    const req = JobRequestSchema.parse({ datasetId: dataset.id, target: "y", columns: { y: "categorical" }, model: { type: "elm", hiddenUnits: 100 } });
    const { job } = await new JobService(db, queues, config).create("bench", req);
    const t1 = performance.now();
    let trainingPid: number | undefined;
    let peak = 0;
    let status = "queued";
    for (let i = 0; i < 6000 && !["succeeded", "failed", "cancelled"].includes(status); i++) {
      await sleep(200);
      trainingPid ??= logs
        .split("\n")
        .filter((l) => l.includes('"training started"'))
        .map((l) => JSON.parse(l).pid as number)[0];
      if (trainingPid) peak = Math.max(peak, peakMB(trainingPid));
      status = (await db.job.findUniqueOrThrow({ where: { id: job.id } })).status;
    }
    const done = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    if (done.status !== "succeeded") process.stderr.write(logs);
    return {
      workload: `${dataset.rows} rows x ${dataset.columns.length} columns (${Math.round(dataset.sizeBytes / 2 ** 20)} MiB CSV), ELM 100 nodes`,
      uploadSeconds: Math.round(uploadSeconds),
      baseline: { name: "stored file read as string[][] (the old worker layout)", peakRssMB: baseline.peakMB },
      ours: { name: "DatasetService.readTable (float64 / int32 codes)", peakRssMB: columns.peakMB },
      job: { status: done.status, error: done.errorMessage, seconds: Math.round((performance.now() - t1) / 1000), trainingProcessPeakRssMB: Math.round(peak) },
      ratio: baseline.peakMB / columns.peakMB,
    };
  } finally {
    try {
      process.kill(-worker.pid!, "SIGKILL");
    } catch {
      // gone
    }
    await queues.close();
    await db.$disconnect();
    await db.pool.end();
    await dropSchema(schema);
  }
}

if (process.argv[2] === "read") await readMode(process.argv[3]!, process.argv[4]!);
else if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchWorkerMemory(), null, 2));
