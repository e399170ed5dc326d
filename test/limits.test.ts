import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestEnv, upload, type TestEnv } from "./harness.js";

describe("limits and hardening", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    env = await createTestEnv({
      API_KEYS: "alice:key-a,bob:key-b",
      RATE_LIMIT_PER_MINUTE: "14",
      MAX_ACTIVE_JOBS_PER_TENANT: "2",
      MAX_JOB_SECONDS: "60",
      MAX_CATEGORIES: "150",
      MAX_ROWS: "160",
      MAX_COLUMNS: "6",
      MAX_LAYERS: "2",
    });
    iris = await upload(env, "iris.csv", "key-a");
  });
  after(() => env.close());

  const job = (over: Record<string, unknown> = {}) => ({ datasetId: iris.id, target: "target", model: { type: "sequential", layers: [] }, ...over });
  const post = (body: unknown) =>
    env
      .api()
      .post("/v1/jobs")
      .set("authorization", "Bearer key-a")
      .send(body as object);

  it("refuses files over MAX_ROWS or MAX_COLUMNS (413) and specs over MAX_LAYERS (400)", async () => {
    const send = (csv: string) => env.api().post("/v1/datasets?name=big").set("authorization", "Bearer key-a").set("content-type", "text/csv").send(csv);
    const rows = await send("a,b\n" + "1,2\n".repeat(161));
    assert.equal(rows.status, 413);
    assert.match(rows.body.detail, /more than the limit of 160 rows/);
    const cols = await send("a,b,c,d,e,f,g\n1,2,3,4,5,6,7\n");
    assert.equal(cols.status, 413);
    assert.match(cols.body.detail, /line 1: 7 columns/);
    const deep = await post(
      job({
        model: {
          type: "sequential",
          layers: [
            { type: "dense", units: 4 },
            { type: "dense", units: 4 },
            { type: "dense", units: 4 },
          ],
        },
      }),
    );
    assert.equal(deep.status, 400);
    assert.equal(deep.body.errors[0].path, "model.layers");
    assert.match(deep.body.errors[0].message, /MAX_LAYERS/);
  });

  it("refuses a wall time and a category cap above the configured ones, naming the field", async () => {
    const slow = await post(job({ training: { maxSeconds: 120 } }));
    assert.equal(slow.status, 400);
    assert.equal(slow.body.errors[0].path, "training.maxSeconds");
    const wide = await post(job({ preprocessing: { categorical: { maxCategories: 500 } } }));
    assert.equal(wide.status, 400);
    assert.equal(wide.body.errors[0].path, "preprocessing.categorical.maxCategories");
  });

  it("limits the jobs a tenant has queued or running (429 with Retry-After), not other tenants", async () => {
    for (let i = 0; i < 2; i++) {
      const ok = await post(job());
      assert.equal(ok.status, 202, ok.text);
    }
    const third = await post(job());
    assert.equal(third.status, 429, third.text);
    assert.equal(third.body.code, "too_many_requests");
    assert.ok(Number(third.headers["retry-after"]) > 0);
  });

  it("rejects prototype-pollution keys and sends security headers", async () => {
    const res = await env
      .api()
      .post("/v1/jobs")
      .set("authorization", "Bearer key-b")
      .set("content-type", "application/json")
      .send('{"datasetId": "00000000-0000-4000-8000-000000000000", "__proto__": {"admin": true}}');
    assert.equal(res.status, 400);
    assert.equal(({} as any).admin, undefined);
    const health = await env.api().get("/health");
    assert.equal(health.headers["x-content-type-options"], "nosniff");
    assert.equal(health.headers["x-frame-options"], "DENY");
    assert.match(String(health.headers["content-security-policy"]), /default-src 'none'/);
  });

  it("limits requests per key and minute with 429 and Retry-After", async () => {
    let limited: any;
    for (let i = 0; i < 20 && !limited; i++) {
      const res = await env.api().get("/v1/datasets").set("authorization", "Bearer key-b");
      if (res.status === 429) limited = res;
      else assert.equal(res.status, 200);
    }
    assert.ok(limited, "the 15th request of the minute is refused");
    assert.equal(limited.body.code, "too_many_requests");
    const retry = Number(limited.headers["retry-after"]);
    assert.ok(retry >= 1 && retry <= 61, `retry-after ${retry}`);
    // Alice's budget is her own.
    assert.notEqual((await env.api().get("/v1/datasets").set("authorization", "Bearer key-a")).status, 429);
  });
});
