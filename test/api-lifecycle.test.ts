import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { apiProcess as startApi, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

describe("API lifecycle: restarts, draining, logs", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "alice:super-secret-key-123" });
  });
  after(() => env.close());
  const auth = { authorization: "Bearer super-secret-key-123" };

  const apiProcess = (logLevel = "warn") => startApi(env, { LOG_LEVEL: logLevel });

  it("loses nothing when the API restarts while a job runs", async () => {
    await env.startWorker();
    const first = await apiProcess();
    const iris = await upload(env, "iris.csv", "super-secret-key-123");
    const res = await fetch(`${first.base}/v1/jobs`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        datasetId: iris.id,
        target: "target",
        model: { type: "sequential", layers: [{ type: "dense", units: 8 }] },
        training: { epochs: 60, batchSize: 4 },
      }),
    });
    assert.equal(res.status, 202);
    const job = (await res.json()) as { id: string };
    await waitForJob(env, job.id, (j) => j.status === "running", 60_000, "super-secret-key-123");
    first.proc.kill("SIGTERM");
    assert.equal(await first.exited, 0);
    const second = await apiProcess();
    try {
      let done: any;
      for (let i = 0; i < 600; i++) {
        done = await (await fetch(`${second.base}/v1/jobs/${job.id}`, { headers: auth })).json();
        if (done.status === "succeeded") break;
        await sleep(200);
      }
      assert.equal(done.status, "succeeded");
      assert.equal(done.history.loss.length, 60);
    } finally {
      second.proc.kill("SIGTERM");
      await second.exited;
    }
  });

  it("drains an upload in flight on SIGTERM before exiting, and never logs API keys", async () => {
    const { proc: api, port, exited, logs: output } = await startApi(env, { LOG_LEVEL: "info" });
    const logs = { includes: (t: string) => output().includes(t) };
    const status = new Promise<number>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, method: "POST", path: "/v1/datasets?name=slow", headers: { "content-type": "text/csv", ...auth } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode!));
        },
      );
      req.on("error", reject);
      (async () => {
        req.write("a,b\n");
        await sleep(300);
        api.kill("SIGTERM"); // mid-upload
        for (let i = 0; i < 20; i++) {
          req.write(`${i},${i * 2}\n`);
          await sleep(50);
        }
        req.end();
      })();
    });
    assert.equal(await status, 201, "the upload in flight completed");
    assert.equal(await exited, 0, "then the API exited cleanly");
    assert.match(output(), /"reqId":/, "structured JSON logs carry the request id");
    assert.ok(!logs.includes("super-secret-key-123"), "no API key in the logs");
  });
});
