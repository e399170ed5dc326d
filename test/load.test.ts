import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createTestEnv, fixture, freePort, type TestEnv } from "./harness.js";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const POLLERS = 200;
const SUBMISSIONS = 50;
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The real API process on loopback with a real worker: 200 concurrent status pollers and 50 job
 * submissions over LOAD_SECONDS (default 30): no error, every submitted job accounted for.
 */
describe("load: polls and submissions against the running service", () => {
  let env: TestEnv;
  let api: ChildProcess;
  let base: string;
  before(async () => {
    env = await createTestEnv({ MAX_ACTIVE_JOBS_PER_TENANT: "1000" });
    await env.startWorker();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, ["--import", "tsx", `${ROOT}src/api/server.ts`], {
      cwd: ROOT,
      env: { ...process.env, ...env.env, PORT: String(port), HOST: "127.0.0.1" },
      stdio: "ignore",
    });
    for (
      let i = 0;
      i < 100 &&
      !(await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    )
      await sleep(200);
  });
  after(async () => {
    api.kill("SIGTERM");
    await env.close();
  });

  it(`${POLLERS} pollers and ${SUBMISSIONS} submissions for ${SECONDS} s: zero errors, every job accounted for`, async () => {
    const up = await fetch(`${base}/v1/datasets?name=iris`, { method: "POST", headers: { "content-type": "text/csv" }, body: fixture("iris.csv") });
    assert.equal(up.status, 201);
    const dataset = (await up.json()) as { id: string };
    const ids: string[] = [];
    const errors: string[] = [];
    let polls = 0;
    const end = Date.now() + SECONDS * 1000;
    const submit = async () => {
      for (let i = 0; i < SUBMISSIONS; i++) {
        const res = await fetch(`${base}/v1/jobs`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            datasetId: dataset.id,
            target: "target",
            model: { type: "sequential", layers: [{ type: "dense", units: 4 }] },
            training: { epochs: 1 },
          }),
        });
        if (res.status !== 202) errors.push(`POST ${res.status} ${await res.text()}`);
        else ids.push(((await res.json()) as { id: string }).id);
        await sleep((SECONDS * 1000) / SUBMISSIONS);
      }
    };
    const poll = async () => {
      while (Date.now() < end) {
        const id = ids[Math.floor(Math.random() * ids.length)];
        const res = await fetch(id ? `${base}/v1/jobs/${id}` : `${base}/v1/jobs?limit=5`).catch((e) => ({ status: 0, text: async () => String(e) }));
        if (res.status !== 200) errors.push(`GET ${res.status} ${await res.text()}`);
        else await (res as Response).arrayBuffer();
        polls++;
      }
    };
    await Promise.all([submit(), ...Array.from({ length: POLLERS }, poll)]);
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} errors`);
    assert.equal(ids.length, SUBMISSIONS);
    assert.ok(polls > POLLERS, `${polls} polls`);
    // Every job submitted ends, and ends succeeded.
    const deadline = Date.now() + 180_000;
    for (const id of ids) {
      for (;;) {
        const job = (await (await fetch(`${base}/v1/jobs/${id}`)).json()) as { status: string; error: unknown };
        if (job.status === "succeeded") break;
        assert.ok(!["failed", "cancelled"].includes(job.status), `job ${id} ended ${job.status}: ${JSON.stringify(job.error)}`);
        assert.ok(Date.now() < deadline, `job ${id} still ${job.status}`);
        await sleep(250);
      }
    }
  });
});
