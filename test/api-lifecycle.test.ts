import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { apiProcess as startApi, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

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
      method: "POST", headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ datasetId: iris.id, target: "target", model: { type: "sequential", layers: [{ type: "dense", units: 8 }] }, training: { epochs: 60, batchSize: 4 } }),
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
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const api = spawn(process.execPath, ["--import", "tsx", `${ROOT}src/api/server.ts`], {
      cwd: ROOT, env: { ...process.env, ...env.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let logs = "";
    api.stdout!.on("data", (d) => (logs += d));
    api.stderr!.on("data", (d) => (logs += d));
    const exited = new Promise<number | null>((resolve) => api.once("exit", resolve));
    for (let i = 0; i < 100 && !logs.includes("Server listening"); i++) await sleep(100);
    const status = new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method: "POST", path: "/v1/datasets?name=slow", headers: { "content-type": "text/csv", ...auth } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      });
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
    assert.match(logs, /"reqId":/, "structured JSON logs carry the request id");
    assert.ok(!logs.includes("super-secret-key-123"), "no API key in the logs");
  });
});
