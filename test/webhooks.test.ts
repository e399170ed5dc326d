import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { createJob, createTestEnv, upload, waitForExperiment, waitForJob, type TestEnv } from "./harness.js";

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}

/** A real receiver: answers 500 to the first `failFirst` calls, then 204; records every call. */
async function receiver(failFirst: number): Promise<{ url: string; calls: Received[]; close(): Promise<void> }> {
  const calls: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      calls.push({ headers: req.headers, body });
      res.statusCode = calls.length <= failFirst ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hooks/treino`, calls, close: () => new Promise((r) => server.close(() => r())) };
}

/** What a receiver does with the documented scheme: recompute the HMAC over "<t>.<body>". */
function verify(secret: string, header: string, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const expected = createHmac("sha256", secret).update(`${m[1]}.${body}`).digest();
  return Math.abs(Date.now() / 1000 - Number(m[1])) < 300 && timingSafeEqual(expected, Buffer.from(m[2]!, "hex"));
}

describe("webhooks: signed, retried, recorded", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    env = await createTestEnv({
      API_KEYS: "alice:key-a,bob:key-b",
      WEBHOOK_SIGNING_KEY: "operator-signing-key-0123456789",
      WEBHOOK_ALLOW_PRIVATE: "true",
      WEBHOOK_BACKOFF_MS: "200",
    });
    iris = await upload(env, "iris.csv", "key-a");
    await env.startWorker();
  });
  after(() => env.close());

  it("POSTs a correctly signed callback when a job ends, retrying a failing receiver", async () => {
    const hook = await receiver(1);
    try {
      const job = await createJob(env, { datasetId: iris.id, target: "target", model: { type: "logisticRegression" }, webhookUrl: hook.url }, "key-a");
      assert.equal(job.webhook.url, hook.url);
      await waitForJob(env, job.id, undefined, 60_000, "key-a");
      for (let i = 0; i < 100 && hook.calls.length < 2; i++) await sleep(100);
      assert.equal(hook.calls.length, 2, "the 500 was retried");
      const secret = (await env.api().get("/v1/webhooks/secret").set("authorization", "Bearer key-a")).body.secret;
      const other = (await env.api().get("/v1/webhooks/secret").set("authorization", "Bearer key-b")).body.secret;
      assert.notEqual(secret, other, "a secret per tenant");
      for (const call of hook.calls) {
        assert.ok(verify(secret, String(call.headers["treino-signature"]), call.body), "signed with alice's secret");
        assert.equal(verify(other, String(call.headers["treino-signature"]), call.body), false);
        assert.equal(call.headers["treino-event"], "job.succeeded");
        const body = JSON.parse(call.body);
        assert.equal(body.event, "job.succeeded");
        assert.equal(body.job.id, job.id);
        assert.ok(body.job.modelId);
      }
      assert.equal(
        verify(secret, String(hook.calls[1]!.headers["treino-signature"]), hook.calls[1]!.body.replace("succeeded", "failed")),
        false,
        "a changed body fails the check",
      );
      let view: any;
      for (let i = 0; i < 50; i++) {
        view = (await env.api().get(`/v1/jobs/${job.id}`).set("authorization", "Bearer key-a")).body;
        if (view.webhook.deliveries.length === 2) break;
        await sleep(100);
      }
      assert.deepEqual(
        view.webhook.deliveries.map((d: any) => [d.attempt, d.status, d.delivered]),
        [
          [1, 500, false],
          [2, 204, true],
        ],
      );
    } finally {
      await hook.close();
    }
  });

  it("calls back when a queued job is cancelled, and when an experiment ends", async () => {
    const hook = await receiver(0);
    try {
      const exp = await env
        .api()
        .post("/v1/experiments")
        .set("authorization", "Bearer key-a")
        .send({
          kind: "compare",
          datasetId: iris.id,
          target: "target",
          webhookUrl: hook.url,
          candidates: [
            { name: "floor", model: { type: "majority" } },
            { name: "forest", model: { type: "randomForest", trees: 10 } },
          ],
        });
      assert.equal(exp.status, 202, exp.text);
      await waitForExperiment(env, exp.body.id, 60_000, "key-a");
      for (let i = 0; i < 100 && hook.calls.length < 1; i++) await sleep(100);
      const body = JSON.parse(hook.calls[0]!.body);
      assert.equal(body.event, "experiment.succeeded");
      assert.equal(body.experiment.leaderboard.length, 2);
    } finally {
      await hook.close();
    }
  });
});

describe("webhooks: no server-side request forgery", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    env = await createTestEnv({ WEBHOOK_SIGNING_KEY: "operator-signing-key-0123456789" });
    iris = await upload(env, "iris.csv");
  });
  after(() => env.close());

  it("refuses loopback, private, metadata and non-http URLs at creation, recording nothing", async () => {
    const cases: Array<[string, RegExp]> = [
      ["http://127.0.0.1:6379/", /loopback, private or reserved/],
      ["http://localhost:5432/", /loopback, private or reserved/],
      ["http://10.0.0.5/hook", /loopback, private or reserved/],
      ["http://169.254.169.254/latest/meta-data/", /loopback, private or reserved/],
      ["http://[::ffff:127.0.0.1]/", /loopback, private or reserved/],
      ["http://[::ffff:0:7f00:1]/", /loopback, private or reserved/],
      ["http://[2002:7f00:1::1]/", /loopback, private or reserved/],
      ["http://192.88.99.1/", /loopback, private or reserved/],
      ["gopher://example.com/", /only http and https/],
    ];
    for (const [url, why] of cases) {
      const res = await env
        .api()
        .post("/v1/jobs")
        .send({ datasetId: iris.id, target: "target", model: { type: "majority" }, webhookUrl: url });
      assert.equal(res.status, 400, url);
      assert.equal(res.body.errors[0].path, "webhookUrl");
      assert.match(res.body.errors[0].message, why, url);
      const exp = await env
        .api()
        .post("/v1/experiments")
        .send({
          kind: "compare",
          datasetId: iris.id,
          target: "target",
          webhookUrl: url,
          candidates: [
            { name: "a", model: { type: "majority" } },
            { name: "b", model: { type: "knn" } },
          ],
        });
      assert.equal(exp.status, 400, url);
    }
    assert.deepEqual((await env.api().get("/v1/jobs")).body.items, []);
    assert.deepEqual((await env.api().get("/v1/experiments")).body.items, []);
  });
});
