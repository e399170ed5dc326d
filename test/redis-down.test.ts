import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestEnv, upload, type TestEnv } from "./harness.js";

describe("with Redis unreachable", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ REDIS_URL: "redis://127.0.0.1:1" }); // nothing listens there
  });
  after(() => env.close());

  it("/health stays 200 and /ready answers 503 naming Redis", async () => {
    assert.equal((await env.api().get("/health")).status, 200);
    const ready = await env.api().get("/ready");
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body, { status: "unavailable", postgres: "ok", redis: "down" });
  });

  it("refuses a job with 503 and leaves no job row behind", async () => {
    const iris = await upload(env, "iris.csv");
    const res = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: iris.id, target: "target", model: { type: "sequential", layers: [] } });
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.code, "service_unavailable");
    assert.doesNotMatch(res.body.detail, /127\.0\.0\.1|:1\b|ECONNREFUSED|redis:\/\//i, "the client is not told where Redis lives");
    assert.equal((await env.api().get("/v1/jobs")).body.items.length, 0);
  });
});
