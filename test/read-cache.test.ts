import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { execFileSync } from "node:child_process";
import pg from "pg";
import { createJob, createTestEnv, upload, type TestEnv } from "./harness.js";

/**
 * Polled reads come from the API's cache (src/read-cache.ts). What a user would notice if it
 * were wrong: a job that stays "running" after the worker finished it, another tenant's job
 * shown, a 304 for a job that changed.
 */
describe("cached reads: jobs and models as they are now", () => {
  let env: TestEnv;
  let db: pg.Client;
  const A = { authorization: "Bearer key-a" };
  const B = { authorization: "Bearer key-b" };

  before(async () => {
    env = await createTestEnv({ API_KEYS: "a:key-a,b:key-b" });
    const url = new URL(env.env.DATABASE_URL!);
    const schema = url.searchParams.get("schema")!;
    url.searchParams.delete("schema");
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    await db.query(`SET search_path TO "${schema}"`);
  });
  after(async () => {
    await db.end();
    await env.close();
  });

  /** Polls GET until `ok(body)`; the cache must catch up within a second (NOTIFY at commit). */
  async function eventually(path: string, ok: (body: any) => boolean): Promise<any> {
    let body: any;
    for (let i = 0; i < 50; i++) {
      body = (await env.api().get(path).set(A)).body;
      if (ok(body)) return body;
      await sleep(20);
    }
    assert.fail(`${path} never caught up: ${JSON.stringify(body).slice(0, 300)}`);
  }

  it("shows a worker's writes, answers 304 only while nothing changed, and hides other tenants' jobs", async () => {
    const older = await createJob(
      env,
      { datasetId: (await upload(env, "iris.csv", "key-b")).id, target: "target", model: { type: "sequential", layers: [] } },
      "key-b",
    );
    const ds = await upload(env, "iris.csv", "key-a");
    const job = await createJob(env, { datasetId: ds.id, target: "target", model: { type: "sequential", layers: [] }, training: { epochs: 3 } }, "key-a");
    const first = await env.api().get(`/v1/jobs/${job.id}`).set(A);
    assert.equal(first.status, 200);
    assert.equal(first.body.status, "queued");
    const etag = first.headers.etag as string;
    assert.match(etag, /^".+"$/);
    const again = await env.api().get(`/v1/jobs/${job.id}`).set(A).set("if-none-match", etag);
    assert.equal(again.status, 304);
    assert.equal(again.text, "");

    // What a worker does, straight in Postgres: the API's cached copy must not outlive it.
    await db.query(`UPDATE "Job" SET status = 'running', epoch = 1, "startedAt" = now() WHERE id = $1`, [job.id]);
    await db.query(`INSERT INTO "JobEpoch" ("jobId", epoch, logs) VALUES ($1, 1, '{"loss": 0.5}')`, [job.id]);
    const running = await eventually(`/v1/jobs/${job.id}`, (b) => b.status === "running" && b.history.loss?.length === 1);
    assert.deepEqual(running.history.loss, [0.5]);
    const changed = await env.api().get(`/v1/jobs/${job.id}`).set(A).set("if-none-match", etag);
    assert.equal(changed.status, 200, "the old ETag no longer matches");
    assert.notEqual(changed.headers.etag, etag);
    const list = await eventually("/v1/jobs", (b) => b.items[0]?.status === "running");
    assert.deepEqual(
      list.items.map((j: any) => j.id),
      [job.id],
    );

    // Tenant b sees nothing of it, cached or not, not even through a list cursor.
    assert.equal((await env.api().get(`/v1/jobs/${job.id}`).set(B)).status, 404);
    assert.deepEqual(
      (await env.api().get("/v1/jobs").set(B)).body.items.map((j: any) => j.id),
      [older.id],
    );
    const page = await env.api().get(`/v1/jobs?cursor=${job.id}`).set(B);
    assert.equal(page.status, 200);
    assert.deepEqual(page.body.items, [], `a's job as b's cursor starts no page (b's older job ${older.id} would show when a's job was made)`);
  });

  it("caches an experiment's view until it or one of its trials changes, for its tenant only", async () => {
    const ds = await upload(env, "iris.csv", "key-a");
    const res = await env
      .api()
      .post("/v1/experiments")
      .set(A)
      .send({ kind: "search", method: "grid", datasetId: ds.id, target: "target", space: { type: "svm", C: [1, 2] } });
    assert.equal(res.status, 202, res.text);
    const id = res.body.id;
    const first = await env.api().get(`/v1/experiments/${id}`).set(A);
    assert.equal(first.status, 200);
    assert.equal(first.body.trials.total, 2);
    const { ExperimentViewSchema } = await import("../src/experiments/experiment-view.js");
    assert.deepEqual(ExperimentViewSchema.parse(first.body), first.body, "the cached JSON is exactly the documented view");
    const etag = first.headers.etag as string;
    assert.equal((await env.api().get(`/v1/experiments/${id}`).set(A).set("if-none-match", etag)).status, 304);
    assert.equal((await env.api().get(`/v1/experiments/${id}`).set(B)).status, 404);
    // A worker finishes a trial, straight in Postgres: the leaderboard must show it.
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM "Job" WHERE "experimentId" = $1 ORDER BY "createdAt", id LIMIT 1`, [id]);
    await db.query(
      `UPDATE "Job" SET status = 'succeeded', metrics = '{"test": {"n": 30, "accuracy": 0.9}, "validation": {"n": 15, "accuracy": 0.93}}', "finishedAt" = now() WHERE id = $1`,
      [rows[0]!.id],
    );
    const after = await eventually(`/v1/experiments/${id}`, (b) => b.trials.succeeded === 1);
    assert.ok(
      after.leaderboard.some((r: any) => r.score?.mean === 0.93),
      JSON.stringify(after.leaderboard),
    );
    assert.equal((await env.api().get(`/v1/experiments/${id}`).set(A).set("if-none-match", etag)).status, 200, "the old ETag no longer matches");
  });

  it("reads its own writes at once: a cancel shows on the very next GET", async () => {
    const ds = await upload(env, "iris.csv", "key-a");
    const job = await createJob(env, { datasetId: ds.id, target: "target", model: { type: "sequential", layers: [] } }, "key-a");
    await db.query(`UPDATE "Job" SET status = 'running' WHERE id = $1`, [job.id]);
    await eventually(`/v1/jobs/${job.id}`, (b) => b.status === "running");
    assert.equal((await env.api().post(`/v1/jobs/${job.id}/cancel`).set(A)).status, 202);
    const next = await env.api().get(`/v1/jobs/${job.id}`).set(A);
    assert.equal(next.body.cancelRequested, true, "no stale view between the cancel and its notification");
  });

  it("forgets everything when its LISTEN connection is lost, so no change is missed", async () => {
    const ds = await upload(env, "iris.csv", "key-a");
    const job = await createJob(env, { datasetId: ds.id, target: "target", model: { type: "sequential", layers: [] } }, "key-a");
    await eventually(`/v1/jobs/${job.id}`, (b) => b.status === "queued");
    // psql, synchronously: this process (the API's too) is frozen while the LISTEN connection is
    // dropped and the change commits, so the notification is lost for sure; only the reset helps.
    const url = new URL(env.env.DATABASE_URL!);
    const schema = url.searchParams.get("schema")!;
    url.searchParams.delete("schema");
    const out = execFileSync(
      "psql",
      [
        url.toString(),
        "-qtAc",
        `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN treino_jobs') t; UPDATE "${schema}"."Job" SET status = 'failed', "errorCode" = 'x', "errorMessage" = 'y' WHERE id = '${job.id}'`,
      ],
      { encoding: "utf8" },
    );
    assert.ok(Number(out.trim()) >= 1, "the listener was found and dropped");
    const after = await eventually(`/v1/jobs/${job.id}`, (b) => b.status === "failed");
    assert.deepEqual(after.error, { code: "x", message: "y" });
  });
});
