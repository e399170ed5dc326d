import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { createTestEnv, upload, waitForExperiment, type TestEnv } from "./harness.js";

/** An experiment outlives a worker killed in the middle of its trials, like any job. */
describe("experiments and a killed worker", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    // Short locks so a dead worker's trial is taken over in seconds.
    env = await createTestEnv({ LOCK_DURATION_MS: "2000", STALLED_INTERVAL_MS: "1000", CHECKPOINT_EVERY_EPOCHS: "5" });
    iris = await upload(env, "iris.csv");
  });
  after(() => env.close());

  it("finishes every trial on another worker after a SIGKILL, and ends with its report", async () => {
    const first = await env.startWorker();
    const res = await env
      .api()
      .post("/v1/experiments")
      .send({
        kind: "compare",
        datasetId: iris.id,
        target: "target",
        crossValidation: { folds: 2 },
        training: { epochs: 150, batchSize: 4 },
        candidates: [
          { name: "narrow", model: { type: "sequential", layers: [{ type: "dense", units: 4, activation: "relu" }] } },
          { name: "wide", model: { type: "sequential", layers: [{ type: "dense", units: 32, activation: "relu" }] } },
        ],
      });
    assert.equal(res.status, 202, res.text);
    const id = res.body.id;
    let running: any;
    for (let i = 0; i < 300; i++) {
      const trialJobs = await Promise.all(
        res.body.leaderboard
          .flatMap((r: any) => r.jobIds)
          .map((j: string) =>
            env
              .api()
              .get(`/v1/jobs/${j}`)
              .then((r) => r.body),
          ),
      );
      running = trialJobs.find((j: any) => j.status === "running" && j.progress.epoch >= 10);
      if (running) break;
      await sleep(100);
    }
    assert.ok(running, "a trial got under way");
    process.kill(first.proc.pid!, "SIGKILL");
    await env.startWorker();
    const done = await waitForExperiment(env, id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.trials));
    assert.equal(done.trials.succeeded, 4);
    const resumed = (await env.api().get(`/v1/jobs/${running.id}`)).body;
    assert.equal(resumed.attempts, 2, "the killed trial ran again on the second worker");
    assert.ok(done.plots.includes("leaderboard.svg"));
  });
});
