/**
 * Reads at scale (issue 22): one tenant with 100,000 jobs, 5,000,000 epoch rows (50 a job), a job
 * of 1,000 epochs and a 500-trial experiment, written with SQL into a schema of its own, then a
 * real API process polled with autocannon (10 connections): the job list's first page and its
 * 1,000th (keyset cursor), a job of 1,000 epochs, the experiment. The plans Postgres chose are
 * printed beside (EXPLAIN ANALYZE of the list's page query), so an index that is missing shows.
 * Run alone: `node --import tsx bench/reads-at-scale.ts` (BENCH_SCALE_JOBS, default 100000).
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";
import { apiProcess, BASE_URL, createSchema, dropSchema } from "../test/harness.js";

const JOBS = Number(process.env.BENCH_SCALE_JOBS ?? 100_000);
const EPOCHS_PER_JOB = 50;
const TRIALS = 500;
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 5);

async function load(url: string) {
  await autocannon({ url, connections: 10, duration: 1 });
  const r = await autocannon({ url, connections: 10, duration: SECONDS });
  return { requestsPerSecond: Math.round(r.requests.average), p50ms: r.latency.p50, p99ms: r.latency.p99, errors: r.errors + r.non2xx };
}

const post = async (base: string, path: string, body: unknown, type = "application/json") => {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": type },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
};

/** Seeds the tenant: real rows made by the API once (a job, a 500-trial search), copied in SQL. */
async function seed(base: string, db: pg.Client) {
  const csv = ["sepal,petal,label", ...Array.from({ length: 60 }, (_, i) => `${i % 7},${(i * 3) % 11},${["a", "b", "c"][i % 3]}`)].join("\n");
  const ds = await post(base, "/v1/datasets?name=scale.csv", csv, "text/csv");
  const job = await post(base, "/v1/jobs", { datasetId: ds.id, target: "label", model: { type: "logisticRegression" } });
  // 500 trials of a grid: C x maxIter, one split each, as issue 22's trials-per-minute grid.
  const C = Array.from({ length: 25 }, (_, i) => 0.01 * (i + 1));
  const maxIter = Array.from({ length: 20 }, (_, i) => 50 + i * 10);
  const exp = await post(base, "/v1/experiments", {
    kind: "search",
    method: "grid",
    datasetId: ds.id,
    target: "label",
    space: { type: "spec", model: { type: "logisticRegression" }, params: { "model.C": C, "model.maxIter": maxIter } },
  });
  const metrics = `'{"test": {"n": 12, "accuracy": 0.9, "loss": 0.3}, "validation": {"n": 12, "accuracy": 0.88}, "epochsRun": ${EPOCHS_PER_JOB}, "baseline": {"family": "logisticRegression", "fitSeconds": 0.01}}'::jsonb`;
  const t0 = performance.now();
  await db.query(
    `INSERT INTO "Job" (id, tenant, "datasetId", status, spec, epoch, epochs, metrics, warnings, attempts, "createdAt", "startedAt", "finishedAt", backend)
     SELECT gen_random_uuid(), j.tenant, j."datasetId", 'succeeded', j.spec, ${EPOCHS_PER_JOB}, ${EPOCHS_PER_JOB}, ${metrics}, '[]', 1,
       now() - make_interval(secs => g), now() - make_interval(secs => g), now() - make_interval(secs => g), 'tensorflow+blas'
     FROM "Job" j, generate_series(1, $2::int) g WHERE j.id = $1`,
    [job.id, JOBS - 1],
  );
  const jobsSeconds = (performance.now() - t0) / 1000;
  await db.query(
    `INSERT INTO "JobEpoch" ("jobId", epoch, logs)
     SELECT j.id, e, jsonb_build_object('loss', 1.0 / (e + 1), 'val_loss', 1.1 / (e + 1), 'accuracy', 1 - 1.0 / (e + 2), 'val_accuracy', 1 - 1.2 / (e + 2))
     FROM "Job" j, generate_series(0, ${EPOCHS_PER_JOB - 1}) e WHERE j.tenant = 'default' AND j."experimentId" IS NULL AND j.id <> $1`,
    [job.id],
  );
  // The job polled by id: 1,000 epochs.
  await db.query(
    `UPDATE "Job" SET status = 'succeeded', epoch = 1000, epochs = 1000, metrics = ${metrics}, "startedAt" = now(), "finishedAt" = now() WHERE id = $1`,
    [job.id],
  );
  await db.query(
    `INSERT INTO "JobEpoch" ("jobId", epoch, logs) SELECT $1, e, jsonb_build_object('loss', 1.0 / (e + 1), 'val_loss', 1.1 / (e + 1)) FROM generate_series(0, 999) e`,
    [job.id],
  );
  // The experiment's trials finished, each with test metrics.
  await db.query(`UPDATE "Job" SET status = 'succeeded', metrics = ${metrics}, "startedAt" = now(), "finishedAt" = now() WHERE "experimentId" = $1`, [exp.id]);
  await db.query(`UPDATE "Experiment" SET status = 'succeeded', "finishedAt" = now() WHERE id = $1`, [exp.id]);
  const seedSeconds = (performance.now() - t0) / 1000;
  await db.query("ANALYZE");
  const counts = (
    await db.query<{ jobs: string; epochs: string; trials: string }>(
      `SELECT (SELECT count(*) FROM "Job") AS jobs, (SELECT count(*) FROM "JobEpoch") AS epochs, (SELECT count(*) FROM "Job" WHERE "experimentId" = $1) AS trials`,
      [exp.id],
    )
  ).rows[0]!;
  return { jobId: job.id, experimentId: exp.id, counts, jobsSeconds, seedSeconds };
}

export async function benchReadsAtScale() {
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  await createSchema(schema);
  const env = {
    DATABASE_URL: `${BASE_URL}?schema=${schema}`,
    QUEUE_PREFIX: `bench-${schema}`,
    RATE_LIMIT_PER_MINUTE: "0",
    API_KEYS: "",
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  };
  const api = await apiProcess({ env } as never, { LOG_LEVEL: "warn", READ_CACHE_BYTES: process.env.READ_CACHE_BYTES });
  const db = new pg.Client({ connectionString: BASE_URL });
  await db.connect();
  try {
    await db.query(`SET search_path TO "${schema}"`);
    const seeded = await seed(api.base, db);
    // The 1,000th page of 20: the cursor is the 19,980th job's id in the list's order.
    const cursor = (await db.query<{ id: string }>(`SELECT id FROM "Job" WHERE tenant = 'default' ORDER BY "createdAt" DESC, id DESC OFFSET 19979 LIMIT 1`))
      .rows[0]!.id;
    const plan = (
      await db.query<{ "QUERY PLAN": string }>(
        `EXPLAIN ANALYZE SELECT id FROM "Job" WHERE tenant = 'default' AND ("createdAt", id) < (SELECT "createdAt", id FROM "Job" WHERE id = $1 AND tenant = 'default') ORDER BY "createdAt" DESC, id DESC LIMIT 21`,
        [cursor],
      )
    ).rows.map((r) => r["QUERY PLAN"]);
    return {
      seeded: { ...seeded.counts, seedSeconds: Math.round(seeded.seedSeconds) },
      listFirstPage: await load(`${api.base}/v1/jobs`),
      listPage1000: await load(`${api.base}/v1/jobs?cursor=${cursor}`),
      listFirstPageSucceeded: await load(`${api.base}/v1/jobs?status=succeeded`),
      jobWith1000Epochs: await load(`${api.base}/v1/jobs/${seeded.jobId}`),
      experiment500Trials: await load(`${api.base}/v1/experiments/${seeded.experimentId}`),
      page1000Plan: plan,
    };
  } finally {
    await db.end();
    api.proc.kill();
    await dropSchema(schema).catch(() => undefined);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchReadsAtScale(), null, 2));
  process.exit(0);
}
