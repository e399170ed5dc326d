import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createDb } from "../src/db.js";
import { Redis } from "ioredis";
import { queuePrefix } from "../src/redis.js";
import pg from "pg";
import { JobRequestSchema } from "../src/training/job/job-request.js";
import { BASE_URL, createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

describe("Postgres is the source of truth for jobs", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    env = await createTestEnv({ RECONCILE_INTERVAL_MS: "1000" });
    iris = await upload(env, "iris.csv");
  });
  after(() => env.close());

  const spec = () => ({
    datasetId: iris.id,
    target: "target",
    model: { type: "sequential", layers: [{ type: "dense", units: 8, activation: "relu" }] },
    training: { epochs: 3 },
  });

  it("re-queues jobs that Redis lost (a restart without persistence) and trains them", async () => {
    const a = await createJob(env, spec());
    const b = await createJob(env, spec());
    // What a Redis restart does to this service's queue: every key gone.
    const redis = new Redis(env.env.REDIS_URL!);
    const keys = await redis.keys(`${queuePrefix(env.env.QUEUE_PREFIX!)}:*`);
    assert.ok(keys.length > 0);
    await redis.del(...keys);
    redis.disconnect();
    await new Promise((r) => setTimeout(r, 5_500)); // the reconciler leaves jobs younger than 5 s to their API request
    await env.startWorker();
    for (const id of [a.id, b.id]) {
      const job = await waitForJob(env, id, undefined, 60_000);
      assert.equal(job.status, "succeeded", JSON.stringify(job.error));
    }
  });

  it("trains a job row whose enqueue never happened (the API died between insert and add)", async () => {
    // The crash window itself: a job row written, no queue entry ever added.
    const schema = new URL(env.env.DATABASE_URL!).searchParams.get("schema")!;
    const client = new pg.Client({ connectionString: BASE_URL, options: `-c search_path=${schema}` });
    await client.connect();
    const row = await client
      .query<{ id: string }>(
        `INSERT INTO "Job" ("id", "tenant", "datasetId", "status", "spec", "epochs") VALUES (gen_random_uuid(), 'default', $1, 'queued', $2, 3) RETURNING "id"`,
        [iris.id, JSON.stringify(JobRequestSchema.parse(spec()))],
      )
      .finally(() => client.end());
    const job = await waitForJob(env, row.rows[0]!.id, undefined, 60_000);
    assert.equal(job.status, "succeeded", "the reconciler of the running worker queued it");
  });

  it("creates exactly one job for concurrent requests with one Idempotency-Key", async () => {
    const body = spec();
    const results = await Promise.all(Array.from({ length: 8 }, () => env.api().post("/v1/jobs").set("idempotency-key", "same-key").send(body)));
    for (const r of results) assert.equal(r.status, 202, r.text);
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    const list = await env.api().get("/v1/jobs?limit=100");
    assert.equal(list.body.items.filter((j: any) => j.id === results[0]!.body.id).length, 1);
    // One row carries the key, whatever the tests before left in this schema.
    const db = createDb(env.config.DATABASE_URL);
    try {
      assert.equal(await db.job.count({ where: { idempotencyKey: "same-key" } }), 1);
    } finally {
      await db.$disconnect();
      await db.pool.end();
    }
  });
});
