/**
 * What every client does all the time: polls. A real API process (its own schema, rate limit
 * off, loopback) serves a finished job of 100 epochs (about 10 KB of JSON); autocannon hits
 * GET /v1/jobs/:id, GET /v1/jobs and GET /v1/models/:id with 20 connections, and, as the
 * baseline in the same run, a bare Fastify process returning the same JSON (bench/bare-server.ts).
 * Run alone: `node --import tsx bench/polling.ts`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";
import { BASE_URL, createSchema, dropSchema } from "../test/harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SECONDS = Number(process.env.BENCH_POLL_SECONDS ?? 5);
const CONNECTIONS = 20;

/** Waits until an API (or the bare server) answers /health on this port. */
export async function up(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new Error(`nothing answers on port ${port}`);
}

/** A process of ours (`node --import tsx <args>`) with this environment added. */
export function start(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
}

async function load(url: string, headers: Record<string, string> = {}) {
  await autocannon({ url, connections: CONNECTIONS, duration: 1, headers }); // warm-up
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    errors: r.errors + r.non2xx - r["3xx"],
    statuses: { "2xx": r["2xx"], "3xx": r["3xx"] },
  };
}

/** A finished classification job with `epochs` epochs of logs and its model, made in SQL. */
async function seedJob(api: string, schema: string, epochs: number): Promise<{ jobId: string; modelId: string }> {
  const csv = ["a,b,label", ...Array.from({ length: 50 }, (_, i) => `${i % 7},${(i * 3) % 11},${i % 2 ? "x" : "y"}`)].join("\n");
  const ds = (await (await fetch(`${api}/v1/datasets?name=poll.csv`, { method: "POST", headers: { "content-type": "text/csv" }, body: csv })).json()) as {
    id: string;
  };
  const job = (await (
    await fetch(`${api}/v1/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        datasetId: ds.id,
        target: "label",
        model: { type: "sequential", layers: [{ type: "dense", units: 16, activation: "relu" }] },
        training: { epochs },
      }),
    })
  ).json()) as { id: string };
  const db = new pg.Client({ connectionString: BASE_URL });
  await db.connect();
  try {
    await db.query(`SET search_path TO "${schema}"`);
    const r = (e: number) => Math.round(1e6 / (e + 2)) / 1e6;
    for (let e = 1; e <= epochs; e++) {
      await db.query('INSERT INTO "JobEpoch" ("jobId", epoch, logs) VALUES ($1, $2, $3)', [
        job.id,
        e,
        { loss: r(e), val_loss: r(e) * 1.1, acc: 1 - r(e), val_acc: 1 - r(e) * 1.2 },
      ]);
    }
    const metrics = { test: { n: 10, accuracy: 0.9, loss: 0.3 }, validation: { n: 10, accuracy: 0.9 }, engine: "mlp-native", epochsRun: epochs };
    await db.query(
      `UPDATE "Job" SET status = 'succeeded', epoch = $2, metrics = $3, backend = 'tensorflow', "startedAt" = now(), "finishedAt" = now() WHERE id = $1`,
      [job.id, epochs, metrics],
    );
    // A model row as a worker stores one (the view is checked against its schema when served).
    const numeric = (name: string) => ({ name, kind: "numeric", scaling: "standardize", missing: "mean", offset: 0, divisor: 1, fill: 0 });
    const preprocessing = {
      version: 2,
      features: [numeric("a"), numeric("b")],
      inputs: ["a", "b"],
      groups: [{ name: "input", columns: ["a", "b"], encoding: "onehot", start: 0, width: 2 }],
      target: { name: "label", task: "classification", labels: ["x", "y"] },
    };
    const model = await db.query<{ id: string }>(
      `INSERT INTO "Model" (id, tenant, "jobId", type, summary, metrics, target, features, labels, preprocessing, topology, "weightSpecs", "weightData")
       SELECT gen_random_uuid(), tenant, id, 'sequential', '{"layers":[],"totalParams":0,"trainableParams":0}', $2, 'label', '["a","b"]', '["x","y"]', $3, '{}', '[]', '\\x00' FROM "Job" WHERE id = $1 RETURNING id`,
      [job.id, metrics, preprocessing],
    );
    return { jobId: job.id, modelId: model.rows[0]!.id };
  } finally {
    await db.end();
  }
}

/** A schema of its own and the environment of an API (or worker) process on it: loopback, open, no rate limit. */
export async function benchService() {
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  await createSchema(schema);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const env = {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: `${BASE_URL}?schema=${schema}`,
    QUEUE_PREFIX: `bench-${schema}`,
    LOG_LEVEL: "warn",
    RATE_LIMIT_PER_MINUTE: "0",
    API_KEYS: "",
  };
  return { schema, port, env };
}

export async function benchPolling() {
  const { schema, port, env } = await benchService();
  const api = start(["src/api/server.ts"], env);
  let bare: ChildProcess | undefined;
  try {
    await up(port);
    const base = `http://127.0.0.1:${port}`;
    const { jobId, modelId } = await seedJob(base, schema, 100);
    const body = await (await fetch(`${base}/v1/jobs/${jobId}`)).text();
    const etag = (await fetch(`${base}/v1/jobs/${jobId}`)).headers.get("etag");
    const barePort = port + 1;
    bare = start(["bench/bare-server.ts"], { PORT: String(barePort), BODY: body });
    await up(barePort);
    const baseline = await load(`http://127.0.0.1:${barePort}/job`);
    const bareBytes = await load(`http://127.0.0.1:${barePort}/bytes`);
    const job = await load(`${base}/v1/jobs/${jobId}`);
    const share = (r: { requestsPerSecond: number }) => Math.round((r.requestsPerSecond / baseline.requestsPerSecond) * 100) / 100;
    return {
      workload: `${CONNECTIONS} connections x ${SECONDS} s on loopback, a finished job of 100 epochs (${body.length} bytes of JSON)`,
      baseline: { name: "bare Fastify route returning the same JSON (an object it serializes)", ...baseline },
      bareBytes: { name: "bare Fastify route sending the same JSON as ready-made text", ...bareBytes },
      getJob: { ...job, vsBaseline: share(job) },
      getJobNotModified: etag ? { ...(await load(`${base}/v1/jobs/${jobId}`, { "if-none-match": etag })), etag } : "no ETag",
      listJobs: await load(`${base}/v1/jobs`),
      getModel: await load(`${base}/v1/models/${modelId}`),
    };
  } finally {
    api.kill();
    bare?.kill();
    await dropSchema(schema).catch(() => undefined);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await benchPolling(), null, 2));
