import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

describe("Postgres is the source of truth for jobs", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    env = await createTestEnv({ RECONCILE_INTERVAL_MS: "1000" });
    iris = await upload(env, "iris.csv");
  });
  after(() => env.close());

  const spec = () => ({ datasetId: iris.id, target: "target", model: { type: "sequential", layers: [{ type: "dense", units: 8, activation: "relu" }] }, training: { epochs: 3 } });

  it("re-queues jobs that Redis lost (a restart without persistence) and trains them", async () => {
    const a = await createJob(env, spec());
    const b = await createJob(env, spec());
    // What a Redis restart does to this service's queue: every key gone.
    const redis = new Redis(env.env.REDIS_URL!);
    const keys = await redis.keys(`${env.env.QUEUE_PREFIX}:*`);
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

  it("creates exactly one job for concurrent requests with one Idempotency-Key", async () => {
    const body = spec();
    const results = await Promise.all(Array.from({ length: 8 }, () => env.api().post("/v1/jobs").set("idempotency-key", "same-key").send(body)));
    for (const r of results) assert.equal(r.status, 202, r.text);
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    const list = await env.api().get("/v1/jobs?limit=100");
    assert.equal(list.body.items.filter((j: any) => j.id === results[0]!.body.id).length, 1);
    assert.equal(list.body.items.length, 3, "two from the test before, one here");
  });
});
