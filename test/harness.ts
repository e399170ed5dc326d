/**
 * Integration test harness: the real app (supertest), a Postgres schema and a BullMQ prefix of
 * the test's own, and real worker processes. Nothing of our infrastructure is mocked.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { homedir } from "node:os";
import { createServer, type AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { Redis } from "ioredis";
import { queuePrefix } from "../src/redis.js";
import request from "supertest";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../src/api/app.js";
import { loadConfig, type Config } from "../src/config.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES = `${ROOT}test/fixtures`;

/** Python with keras, tensorflow_cpu, onnx and onnxruntime (.ci/run makes this venv from the local wheel cache). */
export const KERAS_PYTHON = process.env.KERAS_PYTHON ?? `${homedir()}/.cache/treino/keras-venv/bin/python`;

/** Runs test/<script> in `python` with `input` as JSON on stdin; resolves its JSON stdout. */
export function runPython(python: string, script: string, input: object): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = execFile(python, [`${ROOT}test/${script}`], { timeout: 240_000, maxBuffer: 64 * 2 ** 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
    child.stdin!.end(JSON.stringify(input));
  });
}
export const BASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/treino_test";

export interface Worker {
  proc: ChildProcess;
  output: () => string;
}

export interface TestEnv {
  app: FastifyInstance;
  config: Config;
  env: Record<string, string>;
  api: () => ReturnType<typeof request>;
  startWorker(extraEnv?: Record<string, string>): Promise<Worker>;
  close(): Promise<void>;
}

async function ensureDatabase(): Promise<void> {
  const url = new URL(BASE_URL);
  const name = url.pathname.slice(1);
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`).catch(() => undefined); // another file may race us
  } finally {
    await admin.end();
  }
}

/** Creates a schema and applies the Prisma migrations' SQL to it, as `migrate deploy` would. */
export async function createSchema(schema: string): Promise<void> {
  await ensureDatabase();
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`SET search_path TO "${schema}"`);
    const dir = `${ROOT}prisma/migrations`;
    for (const m of readdirSync(dir)
      .filter((d) => /^\d+_/.test(d))
      .sort()) {
      await client.query(readFileSync(`${dir}/${m}/migration.sql`, "utf8"));
    }
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
}

async function dropQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined); // reported by the rejected command below
  try {
    // BullMQ's keys under the hash-tagged prefix, the rate limiter's under the plain one.
    const keys = [...(await redis.keys(`${queuePrefix(prefix)}:*`)), ...(await redis.keys(`${prefix}:*`))];
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** A fresh environment: own schema, own queue prefix, the app built but not listening. */
export async function createTestEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const id = randomBytes(5).toString("hex");
  const schema = `test_${id}`;
  await createSchema(schema);
  const env: Record<string, string> = {
    DATABASE_URL: `${BASE_URL}?schema=${schema}`,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: `test-${id}`,
    LOG_LEVEL: "silent",
    TFJS_BACKEND: process.env.TFJS_BACKEND ?? "auto",
    RATE_LIMIT_PER_MINUTE: "0", // polling tests would hit it; test/limits.test.ts sets its own
    ...overrides,
  };
  const config = loadConfig({ ...env });
  const app = await buildApp({ config, logger: false });
  await app.ready();
  const workers: Worker[] = [];

  return {
    app,
    config,
    env,
    api: () => request(app.server),
    async startWorker(extraEnv = {}) {
      // Its own process group, so close() can kill the sandboxed children too.
      const proc = spawn(process.execPath, ["--import", "tsx", `${ROOT}src/workers/main.ts`], {
        cwd: ROOT,
        env: { ...process.env, ...env, ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      let out = "";
      proc.stdout!.on("data", (d) => (out += d));
      proc.stderr!.on("data", (d) => (out += d));
      const worker = { proc, output: () => out };
      workers.push(worker);
      for (let i = 0; i < 300 && !out.includes("worker ready"); i++) {
        if (proc.exitCode !== null) throw new Error(`worker exited: ${out}`);
        await sleep(100);
      }
      if (!out.includes("worker ready")) throw new Error(`worker did not start: ${out}`);
      return worker;
    },
    async close() {
      for (const w of workers) {
        try {
          process.kill(-w.proc.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await app.close();
      await dropQueueKeys(env.REDIS_URL!, env.QUEUE_PREFIX!).catch(() => undefined); // Redis may be the fault under test
      await dropSchema(schema);
    },
  };
}

/** `../shared/datasets/`: datasets we may not commit (Spotify's terms), present on these machines and in CI. */
export const SHARED_DATASETS = `${ROOT}../shared/datasets`;

export const fixture = (name: string) => readFileSync(name.startsWith("shared:") ? `${SHARED_DATASETS}/${name.slice(7)}` : `${FIXTURES}/${name}`);

/** Polls a job until `done(job)` or the deadline; returns the last view. */
export async function waitForJob(
  env: TestEnv,
  id: string,
  // Ended, and its plots drawn (they come just after a job is marked succeeded: metrics.plots).
  done: (job: any) => boolean = (j) => ["succeeded", "failed", "cancelled"].includes(j.status) && j.metrics?.plots !== "pending",
  timeoutMs = 180_000,
  auth?: string,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const req = env.api().get(`/v1/jobs/${id}`);
    if (auth) req.set("authorization", `Bearer ${auth}`);
    const res = await req;
    if (res.status !== 200) throw new Error(`GET job ${id}: ${res.status} ${res.text}`);
    if (done(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${res.body.status} at epoch ${res.body.progress.epoch}`);
    await sleep(200);
  }
}

/** Polls an experiment until it ends (or the deadline); returns its last view. */
export async function waitForExperiment(env: TestEnv, id: string, timeoutMs = 240_000, auth?: string): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const req = env.api().get(`/v1/experiments/${id}`);
    if (auth) req.set("authorization", `Bearer ${auth}`);
    const res = await req;
    if (res.status !== 200) throw new Error(`GET experiment ${id}: ${res.status} ${res.text}`);
    if (["succeeded", "failed", "cancelled"].includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`experiment ${id} still ${res.body.status}: ${JSON.stringify(res.body.trials)}`);
    await sleep(300);
  }
}

/** A supertest parser that buffers a binary body (images, weights): `.buffer(true).parse(binary)`. */
export const binary = (res: any, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on("data", (c: Buffer) => parts.push(c));
  res.on("end", () => cb(null, Buffer.concat(parts)));
};

/** A supertest parser that only counts a binary body's bytes (the test's own loop stays free of a big concat). */
export const byteCount = (res: any, cb: (err: Error | null, body: number) => void) => {
  let n = 0;
  res.on("data", (c: Buffer) => (n += c.length));
  res.on("end", () => cb(null, n));
};

/** Creates a job (asserting 202); returns its view. */
export async function createJob(env: TestEnv, body: Record<string, unknown>, auth?: string): Promise<any> {
  const req = env.api().post("/v1/jobs");
  if (auth) req.set("authorization", `Bearer ${auth}`);
  const res = await req.send(body);
  if (res.status !== 202) throw new Error(`POST /v1/jobs: ${res.status} ${res.text}`);
  return res.body;
}

/** Uploads a fixture (or `shared:<name>` from ../shared/datasets) as text/csv; returns the dataset. */
export async function upload(env: TestEnv, name: string, auth?: string): Promise<any> {
  const req = env
    .api()
    .post(`/v1/datasets?name=${name.replace(/^shared:/, "")}`)
    .set("content-type", "text/csv");
  if (auth) req.set("authorization", `Bearer ${auth}`);
  const res = await req.send(fixture(name));
  if (res.status !== 201) throw new Error(`upload ${name}: ${res.status} ${res.text}`);
  return res.body;
}

export interface ApiProcess {
  proc: ChildProcess;
  port: number;
  base: string;
  exited: Promise<number | null>;
  logs: () => string;
}

/** A real API process (src/api/server.ts) on a free port; resolves once /health answers or it exits. */
export async function apiProcess(env: TestEnv, extraEnv: Record<string, string | undefined> = {}): Promise<ApiProcess> {
  // A port the OS just gave out (a random one once met another test's API, which answered /health and then went away).
  const port = await freePort();
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", ...extraEnv };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const proc = spawn(process.execPath, ["--import", "tsx", `${ROOT}src/api/server.ts`], {
    cwd: ROOT,
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let logs = "";
  proc.stdout!.on("data", (d) => (logs += d));
  proc.stderr!.on("data", (d) => (logs += d));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", resolve));
  const base = `http://127.0.0.1:${port}`;
  for (
    let i = 0;
    i < 300 &&
    proc.exitCode === null &&
    !(await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await sleep(100);
  return { proc, port, base, exited, logs: () => logs };
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A test env with a real API process and `workers` workers (one by default): what clients outside the process (CLI, browser, examples) talk to. */
export async function runningService(overrides: Record<string, string> = {}, workers = 1): Promise<{ env: TestEnv; api: ApiProcess; close(): Promise<void> }> {
  const env = await createTestEnv(overrides);
  const api = await apiProcess(env);
  for (let i = 0; i < workers; i++) await env.startWorker();
  return {
    env,
    api,
    close: async () => {
      api.proc.kill("SIGTERM");
      await api.exited;
      await env.close();
    },
  };
}

/** Process ids whose parent is `pid` (from /proc). */
export function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid ? [Number(d)] : [];
      } catch {
        return []; // ended meanwhile
      }
    });
}

/** The API's event loop must never be held longer than this by one request (issue 19). */
export const LOOP_BUDGET_MS = 200;

/**
 * Runs `attack` against the in-process app (env.api()) while the API's event loop is watched two
 * ways: `monitorEventLoopDelay` (the test shares the API's loop) and `/health` polled back to back
 * on a second connection. Returns what the attack returned and the worst delay either saw.
 */
export async function underLoopGuard<T>(env: TestEnv, attack: () => Promise<T>): Promise<{ result: T; worstMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let done = false;
  let worstPoll = 0;
  const poller = (async () => {
    while (!done) {
      const t0 = performance.now();
      await env.api().get("/health");
      worstPoll = Math.max(worstPoll, performance.now() - t0);
    }
  })();
  try {
    const result = await attack();
    return { result, worstMs: Math.max(histogram.max / 1e6, worstPoll) };
  } finally {
    done = true;
    await poller;
    histogram.disable();
  }
}

/** A pg client on the test's own schema, for reading what the service stored (never to set it up). */
export async function schemaClient(env: TestEnv): Promise<pg.Client> {
  const url = new URL(env.env.DATABASE_URL!);
  const schema = url.searchParams.get("schema")!;
  url.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(`SET search_path TO "${schema}"`);
  return client;
}

/** The worst event-loop delay (ms) an API process saw since its last /metrics scrape (API without METRICS_TOKEN, open). */
export async function loopDelayMs(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = /^treino_event_loop_delay_max_seconds (\S+)$/m.exec(text);
  if (!m) throw new Error("no treino_event_loop_delay_max_seconds in /metrics");
  return 1000 * Number(m[1]);
}
