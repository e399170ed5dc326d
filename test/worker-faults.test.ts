import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { FAMILIES } from "../src/training/index.js";
import { binary, childrenOf, createJob, createTestEnv, upload, waitForJob, type TestEnv, type Worker } from "./harness.js";

/** True while any process of the group still exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("workers: failures, cancellation, a killed worker", () => {
  let env: TestEnv;
  let first: Worker;
  let iris: any;
  let mushroom: any;
  before(async () => {
    // Short locks so a dead worker's job is taken over in seconds rather than a minute.
    env = await createTestEnv({ LOCK_DURATION_MS: "2000", STALLED_INTERVAL_MS: "1000", CHECKPOINT_EVERY_EPOCHS: "5" });
    first = await env.startWorker();
    iris = await upload(env, "iris.csv");
    mushroom = await upload(env, "mushroom.csv");
  });
  after(() => env.close());

  const post = async (body: Record<string, unknown>) => (await createJob(env, body)).id as string;

  it("fails a diverging job at once with error.code loss_nan, without retrying it", async () => {
    const id = await post({
      datasetId: iris.id,
      target: "petal_width",
      task: "regression",
      model: { type: "sequential", layers: [] },
      training: { epochs: 300, optimizer: { type: "sgd", learningRate: 10 } },
    });
    const job = await waitForJob(env, id);
    assert.equal(job.status, "failed");
    assert.equal(job.error.code, "loss_nan");
    assert.match(job.error.message, /loss became .* at epoch \d+/);
    assert.equal(job.attempts, 1);
    assert.equal(job.modelId, null);
  });

  it("cancels a running job within an epoch: it ends cancelled, with no model", async () => {
    const id = await post({
      datasetId: mushroom.id,
      target: "class",
      model: { type: "sequential", layers: [{ type: "dense", units: 32, activation: "relu" }] },
      training: { epochs: 500, batchSize: 16 },
    });
    const running = await waitForJob(env, id, (j) => j.status === "running" && j.progress.epoch >= 2);
    const res = await env.api().post(`/v1/jobs/${id}/cancel`);
    assert.equal(res.status, 202);
    assert.equal(res.body.cancelRequested, true);
    const job = await waitForJob(env, id);
    assert.equal(job.status, "cancelled");
    assert.equal(job.modelId, null);
    assert.ok(job.finishedAt);
    // Once the flag is set no epoch is recorded (each epoch's write is conditional on it), so the job
    // ends where the cancel's own answer saw it: at most one write that read the flag just before.
    // (Compared with the answer, not with the epoch polled before the request, which training
    // outruns on a busy machine.)
    assert.ok(running.progress.epoch >= 2);
    assert.ok(job.progress.epoch <= res.body.progress.epoch + 1, `stopped at epoch ${job.progress.epoch}, the cancel saw ${res.body.progress.epoch}`);
  });

  const long = (epochs: number) => ({
    datasetId: iris.id,
    target: "target",
    model: {
      type: "sequential",
      layers: [
        { type: "dense", units: 16, activation: "relu" },
        { type: "dropout", rate: 0.1 },
      ],
    },
    training: { epochs, batchSize: 4, seed: 9 },
  });
  const weightsOf = async (modelId: string) => (await env.api().get(`/v1/models/${modelId}/weights.bin`).buffer(true).parse(binary)).body as Buffer;

  it("resumes the job of a SIGKILLed worker from its last checkpoint on another worker: the same model as an unbroken run", async () => {
    const epochs = 120;
    const id = await post(long(epochs));
    const before = await waitForJob(env, id, (j) => j.status === "running" && j.progress.epoch >= 12);
    assert.equal(before.attempts, 1);
    process.kill(first.proc.pid!, "SIGKILL"); // the worker process only, as the OOM killer would
    // Its sandboxed child notices the lost parent and exits instead of training on as an orphan.
    for (let i = 0; i < 50 && groupAlive(first.proc.pid!); i++) await sleep(100);
    assert.equal(groupAlive(first.proc.pid!), false, "the killed worker's training child is gone");
    const stuck = (await env.api().get(`/v1/jobs/${id}`)).body;
    assert.equal(stuck.status, "running", "nobody has told Postgres yet");

    const second = await env.startWorker();
    const job = await waitForJob(env, id);
    assert.equal(job.status, "succeeded", JSON.stringify(job.error));
    assert.equal(job.attempts, 2);
    assert.ok(job.metrics.resumedAtEpoch >= 10 && job.metrics.resumedAtEpoch % 5 === 0, `resumed at ${job.metrics.resumedAtEpoch}`);
    assert.equal(job.history.loss.length, epochs, "one continuous history, epoch by epoch");

    // The same job, never interrupted: a resumed run must end where it would have.
    const control = await waitForJob(env, await post(long(epochs)));
    assert.deepEqual(control.history.loss, job.history.loss);
    assert.deepEqual(await weightsOf(control.modelId), await weightsOf(job.modelId));
    first = second;
  });

  it("on SIGTERM a worker checkpoints its epoch and hands the job back; the next worker resumes it", async () => {
    const id = await post(long(200));
    await waitForJob(env, id, (j) => j.status === "running" && j.progress.epoch >= 3);
    const t0 = Date.now();
    first.proc.kill("SIGTERM");
    await new Promise((resolve) => (first.proc.exitCode !== null ? resolve(null) : first.proc.once("exit", resolve)));
    assert.ok(Date.now() - t0 < 15_000, `the worker took ${Date.now() - t0} ms to stop`);
    const released = (await env.api().get(`/v1/jobs/${id}`)).body;
    assert.equal(released.status, "queued", "back in the queue, not stuck running");
    const at = released.progress.epoch;
    first = await env.startWorker();
    const job = await waitForJob(env, id);
    assert.equal(job.status, "succeeded", JSON.stringify(job.error));
    assert.equal(job.metrics.resumedAtEpoch, at, "resumed from the epoch it stopped at");
    assert.equal(job.history.loss.length, 200);
  });

  it(
    "hands a booster back on SIGTERM; the next worker resumes it from that round (families/xgboost's unit test: a resumed booster equals an unbroken one)",
    { skip: FAMILIES.xgboost.unavailable?.() ?? false },
    async () => {
      // Digits: ten trees a round on 64 inputs, ~4 ms a round at this rate (~16 s): still running when the SIGTERM comes.
      const digits = await upload(env, "digits.csv");
      const boosted = {
        datasetId: digits.id,
        target: "target",
        split: { test: 0.2, validation: 0.1 },
        model: { type: "xgboost", nEstimators: 4000, learningRate: 0.005, maxDepth: 6, subsample: 0.8, colsampleBytree: 0.8, seed: 3 },
      };
      const id = await post(boosted);
      await waitForJob(env, id, (j) => j.status === "running" && j.progress.epoch >= 1);
      first.proc.kill("SIGTERM");
      await new Promise((resolve) => (first.proc.exitCode !== null ? resolve(null) : first.proc.once("exit", resolve)));
      const released = (await env.api().get(`/v1/jobs/${id}`)).body;
      assert.equal(released.status, "queued", "back in the queue with its booster checkpointed");
      const at = released.progress.epoch;
      first = await env.startWorker();
      const job = await waitForJob(env, id);
      assert.equal(job.status, "succeeded", JSON.stringify(job.error));
      assert.equal(job.metrics.resumedAtEpoch, at, "resumed from the round it stopped at");
      assert.ok(at >= 1 && at < 4000, `stopped at round ${at}`);
      assert.equal(job.history.loss.length, 4000, "one history, round by round");
      assert.equal(job.metrics.baseline.rounds, 4000);
      assert.equal(job.attempts, 2);
    },
  );

  it("a job whose training process dies on every attempt ends failed with the last error, not running", async () => {
    const worker = first; // the one live worker
    const id = await post(long(400));
    const seen = new Set<number>();
    for (let attempt = 1; attempt <= 3; attempt++) {
      await waitForJob(env, id, (j) => j.status === "running" && j.attempts === attempt && j.progress.epoch >= 1, 60_000);
      // The sandboxed training child of the worker: kill it as the OOM killer would.
      const children = childrenOf(worker.proc.pid!);
      assert.ok(children.length > 0, "the worker runs the job in a child process");
      for (const pid of children) if (!seen.has(pid)) process.kill(pid, "SIGKILL");
      children.forEach((p) => seen.add(p));
    }
    const job = await waitForJob(env, id, undefined, 60_000);
    assert.equal(job.status, "failed");
    assert.equal(job.error.code, "worker_lost");
    assert.match(job.error.message, /SIGKILL|exit/i);
    assert.equal(job.attempts, 3);
  });
});
