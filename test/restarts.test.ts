import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { Redis } from "ioredis";
import { fixture, runningService, schemaClient, type ApiProcess, type TestEnv } from "./harness.js";

type Service = Awaited<ReturnType<typeof runningService>>;
/** Checkpoints every epoch (a job resumes close to where it was), reconciles every 2 s, two workers. */
const SETTINGS = { API_KEYS: "", CHECKPOINT_EVERY_EPOCHS: "1", RECONCILE_INTERVAL_MS: "2000" };

/**
 * Faults of the services underneath (issue 19): Postgres restarted with a job mid-training, an
 * upload mid-stream and an experiment mid-generation; Redis restarted (its data gone, as it keeps
 * nothing on disk here) during an experiment. Against a real API process and two real workers.
 */
const PG_VERSION = existsSync("/etc/postgresql") ? readdirSync("/etc/postgresql")[0] : undefined;
const pgCtl = (action: "stop" | "start") =>
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", PG_VERSION!, "main", action, ...(action === "stop" ? ["-m", "fast"] : [])], { stdio: "ignore" });
const canRestartPostgres = PG_VERSION !== undefined && process.getuid?.() === 0 && existsSync("/usr/bin/pg_ctlcluster");

/** GETs through the real API until `ok(status)` or the deadline; returns the last status. */
async function statusUntil(api: ApiProcess, path: string, ok: (status: number) => boolean, ms = 30_000): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await fetch(`${api.base}${path}`).then(
      (r) => r.status,
      () => 0,
    );
    if (ok(status) || Date.now() > deadline) return status;
    await sleep(200);
  }
}

async function getJson(api: ApiProcess, path: string): Promise<any> {
  for (let i = 0; ; i++) {
    const res = await fetch(`${api.base}${path}`);
    if (res.ok) return res.json();
    if (i > 150) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await sleep(200);
  }
}

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 240_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v).slice(0, 400)}`);
    await sleep(300);
  }
}

const experimentBody = (datasetId: string) => ({
  kind: "compare",
  datasetId,
  target: "target",
  crossValidation: { folds: 3 },
  candidates: [
    { name: "narrow", model: { type: "sequential", layers: [{ type: "dense", units: 16, activation: "relu" }] }, training: { epochs: 25, batchSize: 4 } },
    { name: "wide", model: { type: "sequential", layers: [{ type: "dense", units: 64, activation: "relu" }] }, training: { epochs: 25, batchSize: 4 } },
  ],
});

describe("a Postgres restart", { skip: canRestartPostgres ? false : "needs root and pg_ctlcluster (Debian's PostgreSQL) to restart the server" }, () => {
  let service: Service;
  let env: TestEnv;
  let api: ApiProcess;
  let db: pg.Client | undefined;
  before(async () => {
    service = await runningService(SETTINGS, 2);
    ({ env, api } = service);
  });
  after(async () => {
    // Whatever happened, the server runs again for the next file (start fails when it already runs).
    if (canRestartPostgres && !execFileSync("sh", ["-c", "pg_isready -h 127.0.0.1 -q && echo up || true"]).toString().includes("up")) pgCtl("start");
    await db?.end().catch(() => undefined);
    await service.close();
  });

  it("a job, an upload and an experiment in flight: 503 while it is down, then everything ends as if nothing happened", async () => {
    const post = (path: string, body: object) =>
      fetch(`${api.base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
    const upload = async (name: string) => {
      const res = await fetch(`${api.base}/v1/datasets?name=${name}`, { method: "POST", headers: { "content-type": "text/csv" }, body: fixture(name) });
      assert.equal(res.status, 201);
      return res.json();
    };
    const [digits, wine] = [await upload("digits.csv"), await upload("wine.csv")];

    // A job mid-training (checkpointed every epoch), and an experiment with some trials done.
    const job = await post("/v1/jobs", {
      datasetId: digits.id,
      target: "target",
      model: {
        type: "sequential",
        layers: [{ type: "dense", units: 256, activation: "relu" }, { type: "batchNormalization" }, { type: "dense", units: 128, activation: "relu" }],
      },
      training: { epochs: 12, batchSize: 8 },
    });
    assert.equal(job.status, 202, JSON.stringify(job.body));
    await until(
      "job training",
      () => getJson(api, `/v1/jobs/${job.body.id}`),
      (j) => j.status === "running" && j.progress.epoch >= 2,
    );
    const exp = await post("/v1/experiments", experimentBody(wine.id));
    assert.equal(exp.status, 202, JSON.stringify(exp.body));
    await until(
      "a first trial",
      () => getJson(api, `/v1/experiments/${exp.body.id}`),
      (e) => e.trials.succeeded >= 1,
    );

    // An upload mid-stream: its first megabyte and a half is sent (one piece stored), the rest after the restart.
    const csv = Buffer.concat(
      Array.from({ length: 12 }, (_, i) => (i === 0 ? fixture("digits.csv") : fixture("digits.csv").subarray(fixture("digits.csv").indexOf(10) + 1))),
    );
    let release!: () => void;
    const resumed = new Promise<void>((r) => (release = r));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const cut = 1_500_000;
        controller.enqueue(csv.subarray(0, cut));
        await resumed;
        for (let at = cut; at < csv.length; at += 65_536) controller.enqueue(csv.subarray(at, at + 65_536));
        controller.close();
      },
    });
    const uploading = fetch(`${api.base}/v1/datasets?name=midstream.csv`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body,
      duplex: "half",
    } as RequestInit).then(
      async (r) => ({ status: r.status, body: await r.json() }),
      (err: Error) => ({ status: 0, body: { detail: err.message } }),
    );
    await sleep(500);

    pgCtl("stop");
    try {
      assert.equal(await statusUntil(api, "/v1/jobs", (s) => s === 503), 503, "the API answers 503 while Postgres is down");
      const problem = await fetch(`${api.base}/v1/datasets`).then((r) => r.json());
      assert.equal(problem.code, "service_unavailable");
      assert.doesNotMatch(problem.detail, /5432|ECONNREFUSED|127\.0\.0\.1/, "the client is not told where Postgres lives");
      assert.equal(await statusUntil(api, "/ready", (s) => s === 503), 503);
    } finally {
      pgCtl("start");
    }
    release();
    assert.equal(await statusUntil(api, "/v1/jobs", (s) => s === 200), 200, "the API recovers without a restart");

    // The upload either completed or was refused, leaving nothing behind.
    const up = await uploading;
    db = await schemaClient(env);
    if (up.status === 201) {
      assert.equal(up.body.rows, 12 * 1797);
      assert.equal((await getJson(api, `/v1/datasets/${up.body.id}`)).rows, 12 * 1797, "listed and readable as any dataset");
    } else {
      assert.ok(up.status === 0 || up.status >= 400, JSON.stringify(up));
      await until(
        "the refused upload's rows gone",
        async () => (await db!.query(`SELECT count(*)::int AS n FROM "Dataset" WHERE "name" = 'midstream.csv'`)).rows[0].n,
        (n) => n === 0,
        60_000,
      );
    }
    assert.equal(
      (await db.query(`SELECT count(*)::int AS n FROM "DatasetChunk" c LEFT JOIN "Dataset" d ON d."id" = c."datasetId" WHERE d."id" IS NULL`)).rows[0].n,
      0,
      "no orphaned pieces",
    );

    // The job finishes (resumed from its checkpoint) and stores its model once.
    const done = await until(
      "the job",
      () => getJson(api, `/v1/jobs/${job.body.id}`),
      (j) => !["queued", "running"].includes(j.status),
    );
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.equal(done.history.loss.length, 12, "every epoch once in its history");
    const models = (await db.query(`SELECT "id" FROM "Model" WHERE "jobId" = $1`, [job.body.id])).rows;
    assert.equal(models.length, 1);
    assert.equal(
      (await db.query(`SELECT count(*)::int AS n FROM "ModelChunk" WHERE "jobId" = $1 AND "modelId" <> $2`, [job.body.id, models[0].id])).rows[0].n,
      0,
      "no second copy of its weights",
    );

    // The experiment ends with every trial accounted for.
    const ended = await until(
      "the experiment",
      () => getJson(api, `/v1/experiments/${exp.body.id}`),
      (e) => !["queued", "running"].includes(e.status),
    );
    assert.equal(ended.status, "succeeded", JSON.stringify(ended));
    assert.deepEqual(ended.trials, { total: 6, queued: 0, running: 0, succeeded: 6, failed: 0, cancelled: 0 });
    assert.deepEqual(
      ended.leaderboard.map((r: any) => [r.trials.succeeded, new Set(r.jobIds).size]),
      [
        [3, 3],
        [3, 3],
      ],
      "each candidate scored on its 3 folds, one job each",
    );
  });
});

/** Restarts the Redis on REDIS_URL with the options it runs with (it keeps nothing on disk: its data is gone). */
async function restartRedis(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  const get = async (key: string) => ((await redis.config("GET", key)) as string[])[1] ?? "";
  const [port, bind, dir, logfile, save, appendonly] = [
    await get("port"),
    await get("bind"),
    await get("dir"),
    await get("logfile"),
    await get("save"),
    await get("appendonly"),
  ];
  await redis.call("SHUTDOWN", "NOSAVE").catch(() => undefined); // the connection drops as it stops
  redis.disconnect();
  for (
    let i = 0;
    i < 50 &&
    execFileSync("sh", ["-c", `redis-cli -p ${port} ping 2>/dev/null || true`])
      .toString()
      .includes("PONG");
    i++
  )
    await sleep(100);
  execFileSync("redis-server", [
    "--daemonize",
    "yes",
    "--port",
    port,
    "--bind",
    ...bind.split(" "),
    "--dir",
    dir,
    "--save",
    save,
    "--appendonly",
    appendonly,
    ...(logfile ? ["--logfile", logfile] : []),
  ]);
  for (
    let i = 0;
    i < 100 &&
    !execFileSync("sh", ["-c", `redis-cli -p ${port} ping 2>/dev/null || true`])
      .toString()
      .includes("PONG");
    i++
  )
    await sleep(100);
}

const canRestartRedis = (() => {
  try {
    execFileSync("sh", ["-c", "command -v redis-server && command -v redis-cli"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("a Redis restart", { skip: canRestartRedis ? false : "needs redis-server and redis-cli on this machine to restart Redis" }, () => {
  let service: Service;
  let env: TestEnv;
  let api: ApiProcess;
  before(async () => {
    service = await runningService(SETTINGS, 2);
    ({ env, api } = service);
  });
  after(() => service.close());

  it("an experiment mid-generation loses its queue and still ends with every trial accounted for", async () => {
    const res = await fetch(`${api.base}/v1/datasets?name=wine.csv`, { method: "POST", headers: { "content-type": "text/csv" }, body: fixture("wine.csv") });
    const wine = await res.json();
    const created = await fetch(`${api.base}/v1/experiments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(experimentBody(wine.id)),
    });
    assert.equal(created.status, 202);
    const exp = await created.json();
    await until(
      "a first trial",
      () => getJson(api, `/v1/experiments/${exp.id}`),
      (e) => e.trials.succeeded >= 1 && e.trials.succeeded < 6,
    );

    await restartRedis(env.env.REDIS_URL!);

    const ended = await until(
      "the experiment",
      () => getJson(api, `/v1/experiments/${exp.id}`),
      (e) => !["queued", "running"].includes(e.status),
    );
    assert.equal(ended.status, "succeeded", JSON.stringify(ended));
    assert.deepEqual(ended.trials, { total: 6, queued: 0, running: 0, succeeded: 6, failed: 0, cancelled: 0 });
    assert.deepEqual(
      ended.leaderboard.map((r: any) => [r.trials.succeeded, new Set(r.jobIds).size]),
      [
        [3, 3],
        [3, 3],
      ],
      "each candidate scored on its 3 folds, one job each",
    );
    // New work is taken as before.
    const job = await fetch(`${api.base}/v1/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ datasetId: wine.id, target: "target", model: { type: "majority" } }),
    });
    assert.equal(job.status, 202, await job.clone().text());
    const id = (await job.json()).id;
    assert.equal(
      (
        await until(
          "a job after the restart",
          () => getJson(api, `/v1/jobs/${id}`),
          (j) => !["queued", "running"].includes(j.status),
        )
      ).status,
      "succeeded",
    );
  });
});
