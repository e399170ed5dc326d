import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createJob, createTestEnv, waitForJob, type TestEnv } from "./harness.js";

/** Uploads that used to cost minutes and gigabytes before their answer: each is refused early now. */
describe("uploads bounded before the work is done", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "", MAX_CELLS: "10000000" });
  });
  after(() => env.close());
  const send = (body: Buffer | string, type = "text/csv") => env.api().post("/v1/datasets?name=attack").set("content-type", type).send(body);

  it("refuses sparse JSON Lines whose late keys would make rows x columns explode (MAX_CELLS), leaving nothing", async () => {
    const keys = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
    const body = "{}\n".repeat(200_000) + JSON.stringify(keys) + "\n";
    const res = await send(body, "application/x-ndjson");
    assert.equal(res.status, 413, res.text);
    assert.match(res.body.detail, /200001 rows x \d+ columns is more than the limit of 10000000 cells \(MAX_CELLS\)/);
    assert.equal((await env.api().get("/v1/datasets")).body.items.length, 0);
  });

  it("still accepts sparse JSON Lines within the limits, counting absent keys as missing", async () => {
    const body = '{"a": 1}\n'.repeat(500) + '{"a": 2, "b": "x"}\n' + '{"a": 3, "b": "y"}\n';
    const res = await send(body, "application/x-ndjson");
    assert.equal(res.status, 201, res.text);
    const b = res.body.columns.find((c: any) => c.name === "b");
    assert.equal(b.missing, 500);
    assert.equal(res.body.rows, 502);
    await env.api().delete(`/v1/datasets/${res.body.id}`);
  });

  it("refuses one 30 MB JSON line at MAX_LINE_BYTES instead of re-splitting it per chunk", async () => {
    const big = `{"a": "${"x".repeat(30 * 1024 * 1024)}", "b": 1}\n`;
    const res = await send(big, "application/x-ndjson");
    assert.equal(res.status, 413, res.text.slice(0, 200));
    assert.match(res.body.detail, /line 1: longer than the limit of 1048576 bytes \(MAX_LINE_BYTES\)/);
  });

  it("refuses a CSV header of 15M columns at MAX_LINE_BYTES, before a record of it exists", async () => {
    const header = Buffer.alloc(15_000_000 * 2, "a,");
    const res = await send(Buffer.concat([header, Buffer.from("a\n1\n")]));
    assert.equal(res.status, 413);
    assert.match(res.body.detail, /line 1: longer than the limit of 1048576 bytes \(MAX_LINE_BYTES\)/);
    // A long quoted field is bounded the same way, even though it spans lines.
    const quoted = await send(`a,b\n"${"y\n".repeat(700_000)}",1\n`);
    assert.equal(quoted.status, 413, quoted.text.slice(0, 300));
    assert.match(quoted.body.detail, /a field longer than the limit of 1048576 bytes \(MAX_LINE_BYTES\)/);
    assert.equal((await env.api().get("/v1/datasets")).body.items.length, 0);
  });
});

describe("storage quota per tenant", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "alice:key-a,bob:key-b", MAX_STORAGE_BYTES_PER_TENANT: "8000" });
    await env.startWorker();
  });
  after(() => env.close());
  const send = (key: string, body: string) =>
    env.api().post("/v1/datasets?name=q").set("authorization", `Bearer ${key}`).set("content-type", "text/csv").send(body);
  const rows = (n: number) => "a,b,c\n" + Array.from({ length: n }, (_, i) => `${i},${i % 7},x${i % 3}`).join("\n") + "\n";

  it("refuses an upload past MAX_STORAGE_BYTES_PER_TENANT naming the quota, then anything new, per tenant", async () => {
    const first = await send("key-a", rows(600)); // 5.3 KB
    assert.equal(first.status, 201, first.text);
    const over = await send("key-a", rows(700)); // 6.2 KB more
    assert.equal(over.status, 413);
    assert.match(over.body.detail, /larger than the limit of 2704 bytes \(what is left of MAX_STORAGE_BYTES_PER_TENANT, 8000 bytes\)/);
    // A trained model's weights count too, on every path that stores one: a model larger than
    // what is left fails with quota_exceeded and stores nothing; a smaller one is stored.
    const dense = (units: number) => ({
      datasetId: first.body.id,
      target: "b",
      model: { type: "sequential", layers: [{ type: "dense", units }] },
      training: { epochs: 1 },
    });
    const big = await waitForJob(env, (await createJob(env, dense(128), "key-a")).id, undefined, 60_000, "key-a");
    assert.equal(big.status, "failed");
    assert.equal(big.error.code, "quota_exceeded");
    assert.equal(big.modelId, null);
    assert.equal((await waitForJob(env, (await createJob(env, dense(16), "key-a")).id, undefined, 60_000, "key-a")).status, "succeeded");
    // Fill what is left to the byte (the 413 says how much that is).
    const left = Number(/limit of (\d+) bytes/.exec((await send("key-a", rows(700))).body.detail)![1]);
    const head = "a,b,c\n1,2,";
    const fill = await send("key-a", `${head}${"x".repeat(left - head.length - 1)}\n`);
    assert.equal(fill.status, 201, fill.text);
    const full = await send("key-a", rows(10));
    assert.equal(full.status, 403);
    assert.equal(full.body.code, "quota_exceeded");
    assert.match(full.body.detail, /stores 8000 bytes, its quota is 8000 bytes \(MAX_STORAGE_BYTES_PER_TENANT\)/);
    const job = await env
      .api()
      .post("/v1/jobs")
      .set("authorization", "Bearer key-a")
      .send({ datasetId: first.body.id, target: "b", model: { type: "sequential", layers: [] } });
    assert.equal(job.status, 403, job.text);
    assert.equal(job.body.code, "quota_exceeded");
    const experiment = await env
      .api()
      .post("/v1/experiments")
      .set("authorization", "Bearer key-a")
      .send({
        kind: "compare",
        datasetId: first.body.id,
        target: "b",
        candidates: [
          { name: "floor", model: { type: "majority" } },
          { name: "tree", model: { type: "decisionTree" } },
        ],
      });
    assert.equal(experiment.status, 403, experiment.text);
    assert.equal(experiment.body.code, "quota_exceeded");
    assert.equal((await send("key-b", rows(600))).status, 201, "another tenant's quota is its own");
  });
});
