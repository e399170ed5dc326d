import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { childrenOf, createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

/** n rows of 5 numbers and a 0/1 label, from a seeded generator. */
function numbers(n: number): string {
  let s = 7;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const rows = Array.from({ length: n }, () => {
    const x = Array.from({ length: 5 }, () => rnd() * 2 - 1);
    return [...x.map((v) => v.toFixed(4)), x[0]! + x[1]! > 0 ? 1 : 0].join(",");
  });
  return ["a,b,c,d,e,y", ...rows].join("\n") + "\n";
}

describe("jobs bounded per tenant and in time", () => {
  let env: TestEnv;
  let iris: any;
  const A = "Bearer key-a";
  const B = "Bearer key-b";
  before(async () => {
    env = await createTestEnv({
      API_KEYS: "alice:key-a,bob:key-b",
      MAX_ACTIVE_JOBS_PER_TENANT: "5",
      MAX_RUNNING_JOBS_PER_TENANT: "1",
      TENANT_DEFER_MS: "300",
    });
    iris = await upload(env, "iris.csv", "key-a");
  });
  after(() => env.close());
  const job = (over: Record<string, unknown> = {}) => ({
    datasetId: iris.id,
    target: "target",
    model: { type: "sequential", layers: [{ type: "dense", units: 8 }] },
    ...over,
  });

  it("counts active jobs atomically: 20 parallel POSTs against a limit of 5 make exactly 5", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => env.api().post("/v1/jobs").set("authorization", A).send(job())));
    const codes = results.map((r) => r.status);
    assert.equal(codes.filter((c) => c === 202).length, 5, codes.join(","));
    assert.equal(codes.filter((c) => c === 429).length, 15);
    const listed = await env.api().get("/v1/jobs?limit=100").set("authorization", A);
    assert.equal(listed.body.items.length, 5);
    for (const j of listed.body.items) await env.api().post(`/v1/jobs/${j.id}/cancel`).set("authorization", A);
  });

  it("lets another tenant's job start while one tenant has its running share (MAX_RUNNING_JOBS_PER_TENANT)", async () => {
    await env.startWorker();
    await env.startWorker();
    const bobsData = await upload(env, "iris.csv", "key-b");
    const slow = job({ training: { epochs: 150, batchSize: 4 } });
    const a1 = (await env.api().post("/v1/jobs").set("authorization", A).send(slow)).body;
    const a2 = (await env.api().post("/v1/jobs").set("authorization", A).send(slow)).body;
    await sleep(500);
    const b1 = (
      await env
        .api()
        .post("/v1/jobs")
        .set("authorization", B)
        .send({ ...slow, datasetId: bobsData.id, training: { epochs: 5 } })
    ).body;
    let bothAliceRunning = false;
    let bobRanWhileAliceBusy = false;
    for (let i = 0; i < 600; i++) {
      const [x, y, z] = await Promise.all(
        [a1, a2].map((j) => env.api().get(`/v1/jobs/${j.id}`).set("authorization", A)).concat(env.api().get(`/v1/jobs/${b1.id}`).set("authorization", B)),
      );
      if (x!.body.status === "running" && y!.body.status === "running") bothAliceRunning = true;
      if (z!.body.status === "succeeded" && [x!.body.status, y!.body.status].includes("running")) bobRanWhileAliceBusy = true;
      if ([x, y, z].every((r) => r!.body.status === "succeeded")) break;
      await sleep(100);
    }
    assert.equal(bothAliceRunning, false, "alice never has two jobs training at once");
    assert.equal(bobRanWhileAliceBusy, true, "bob's job did not wait for alice's queue");
    for (const j of [a1, a2]) {
      const d = await waitForJob(env, j.id, undefined, 120_000, "key-a");
      assert.equal(d.status, "succeeded", JSON.stringify(d.error));
    }
  });

  it("stops a network within the batch where training.maxSeconds runs out, not at the epoch's end (tfjs and the fast path)", async () => {
    // tfjs: a network with Gaussian dropout (not the fast path's) on iris, one row a batch.
    const slow = job({
      model: {
        type: "sequential",
        layers: [
          { type: "dense", units: 8 },
          { type: "gaussianDropout", rate: 0.1 },
        ],
      },
      training: { epochs: 50, batchSize: 1, maxSeconds: 0.02 },
    });
    // The fast path is ~100x quicker a step: its epoch must be long enough to hold the deadline.
    const many = await env.api().post("/v1/datasets?name=many.csv").set("authorization", A).set("content-type", "text/csv").send(numbers(40_000));
    assert.equal(many.status, 201, many.text);
    const fast = {
      datasetId: many.body.id,
      target: "y",
      model: { type: "sequential", layers: [{ type: "dense", units: 64, activation: "relu" }] },
      training: { epochs: 50, batchSize: 1, maxSeconds: 0.05 },
    };
    for (const [spec, budget] of [
      [slow, 0.02],
      [fast, 0.05],
    ] as const) {
      const done = await waitForJob(env, (await createJob(env, spec, "key-a")).id, undefined, 60_000, "key-a");
      assert.equal(done.status, "succeeded", JSON.stringify(done.error));
      assert.equal(done.history.loss.length, 1, `${done.metrics.engine}: stopped in the first epoch`);
      assert.ok(
        done.warnings.some((w: string) => w.includes(`stopped in epoch 1: training.maxSeconds (${budget} s) ran out`)),
        done.warnings.join(" | "),
      );
    }
  });

  it("fails an ELM that runs out of time between blocks of rows with time_limit", async () => {
    const done = await waitForJob(
      env,
      (await createJob(env, job({ model: { type: "elm", hiddenUnits: 50, blockRows: 1 }, training: { maxSeconds: 0.001 } }), "key-a")).id,
      undefined,
      60_000,
      "key-a",
    );
    assert.equal(done.status, "failed");
    assert.equal(done.error.code, "time_limit");
  });
});

describe("a training process stuck past MAX_JOB_SECONDS", () => {
  let env: TestEnv;
  before(async () => {
    // The limit counts from the job's start, process start-up included: 30 s leaves a loaded machine
    // (test files run side by side) time to reach the first epoch, which the test waits for.
    env = await createTestEnv({ API_KEYS: "carol:key-c", MAX_JOB_SECONDS: "30", JOB_KILL_GRACE_SECONDS: "1" });
  });
  after(() => env.close());

  /** The worker's training processes (BullMQ's sandboxes): its children running bullmq's main.js. */
  const trainingProcesses = (workerPid: number) =>
    childrenOf(workerPid).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("bullmq");
      } catch {
        return false; // ended meanwhile
      }
    });

  it("kills a training process stuck past MAX_JOB_SECONDS + grace, fails the job with time_limit, and keeps serving", async () => {
    const worker = await env.startWorker();
    const iris = await upload(env, "iris.csv", "key-c");
    // Stuck by construction: once it trains, its process is stopped (SIGSTOP), so it cannot end on
    // its own however fast the machine is; only the worker's watchdog can end it.
    const stuck = await createJob(
      env,
      {
        datasetId: iris.id,
        target: "target",
        model: {
          type: "sequential",
          layers: [
            { type: "dense", units: 512 },
            { type: "dense", units: 512 },
          ],
        },
        training: { epochs: 1000, batchSize: 1 },
      },
      "key-c",
    );
    await waitForJob(env, stuck.id, (j) => j.status === "running" && j.progress.epoch >= 1, 60_000, "key-c");
    const pids = trainingProcesses(worker.proc.pid!);
    assert.ok(pids.length >= 1, "the training process was found");
    for (const pid of pids) process.kill(pid, "SIGSTOP");
    const done = await waitForJob(env, stuck.id, (j) => j.status !== "queued" && j.status !== "running", 60_000, "key-c");
    assert.equal(done.status, "failed");
    assert.equal(done.error.code, "time_limit");
    assert.match(done.error.message, /past MAX_JOB_SECONDS and its grace period/);
    // The job is marked failed first, then its process killed (and reaped by the worker).
    const gone = (pid: number) => !childrenOf(worker.proc.pid!).includes(pid);
    for (let i = 0; i < 100 && !pids.every(gone); i++) await sleep(100);
    assert.ok(pids.every(gone), "the stuck process was killed");
    const next = await createJob(env, { datasetId: iris.id, target: "target", model: { type: "elm", hiddenUnits: 20 } }, "key-c");
    assert.equal((await waitForJob(env, next.id, undefined, 60_000, "key-c")).status, "succeeded");
    await sleep(1500); // the killed job's retry finds it ended and leaves it so
    assert.equal((await env.api().get(`/v1/jobs/${stuck.id}`).set("authorization", "Bearer key-c")).body.status, "failed");
  });
});

describe("limits checked again by the worker", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "" });
  });
  after(() => env.close());

  it("fails a job the limits in force refuse when it runs (they were lowered after it was queued), naming the field", async () => {
    const iris = await upload(env, "iris.csv");
    const job = await createJob(env, {
      datasetId: iris.id,
      target: "target",
      model: { type: "sequential", layers: [{ type: "dense", units: 8 }] },
      training: { epochs: 50 },
    });
    await env.startWorker({ MAX_EPOCHS: "10" });
    const done = await waitForJob(env, job.id, undefined, 60_000);
    assert.equal(done.status, "failed");
    assert.equal(done.error.code, "validation_failed");
    assert.match(done.error.message, /training\.epochs: at most 10 epochs \(MAX_EPOCHS\)/);
  });
});
