import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { createJob, createTestEnv, upload, waitForJob, type TestEnv, type Worker } from "./harness.js";

/**
 * A worker trains job after job for as long as it lives: whatever a job leaves behind (tfjs
 * tensors, native buffers, cached rows past their budget) adds up until the process dies. 40
 * consecutive jobs (MEMORY_JOBS; bench/worker-memory.ts runs longer) through one real worker, cycling through every training path (the MLP fast
 * path, plain tfjs, an ELM, a cross-validated fit); after each, the training process reports its
 * live tensors and RSS ("training ended" log line).
 */
const JOBS = Number(process.env.MEMORY_JOBS ?? 40);

describe("a worker's memory over many jobs", () => {
  let env: TestEnv;
  let worker: Worker;
  before(async () => {
    env = await createTestEnv();
    worker = await env.startWorker();
  });
  after(() => env.close());

  it(`stays flat over ${JOBS} consecutive jobs: tensor count constant, RSS bounded`, { timeout: 900_000 }, async () => {
    const iris = await upload(env, "iris.csv");
    const specs = [
      {
        model: {
          type: "sequential",
          layers: [
            { type: "dense", units: 16, activation: "relu" },
            { type: "dropout", rate: 0.1 },
          ],
        },
        training: { epochs: 3 },
      },
      { model: { type: "sequential", layers: [{ type: "dense", units: 8 }, { type: "batchNormalization" }] }, training: { epochs: 3 } },
      { model: { type: "elm", hiddenUnits: 40 } },
      { model: { type: "sequential", layers: [{ type: "dense", units: 4, activation: "tanh" }] }, training: { epochs: 2 }, crossValidation: { folds: 3 } },
    ];
    for (let i = 0; i < JOBS; i++) {
      const job = await createJob(env, { datasetId: iris.id, target: "target", ...specs[i % specs.length]! });
      const done = await waitForJob(env, job.id);
      assert.equal(done.status, "succeeded", `job ${i}: ${JSON.stringify(done.error)}`);
    }
    // A job is succeeded in Postgres a moment before its process logs "training ended" (after its GC).
    const reports = () =>
      worker
        .output()
        .split("\n")
        .filter((l) => l.includes('"training ended"'));
    for (let i = 0; i < 50 && reports().length < JOBS; i++) await sleep(100);
    const ends = reports().map((l) => JSON.parse(l) as { tensors: number; rssMB: number; pid: number });
    assert.equal(ends.length, JOBS, "one report per job");
    assert.equal(new Set(ends.map((e) => e.pid)).size, 1, "one training process ran them all (it is reused, so leaks would add up)");
    // After a first round of every kind (lazy kernels, caches), nothing more may stay behind.
    const settled = ends.slice(specs.length);
    assert.deepEqual([...new Set(settled.map((e) => e.tensors))], [settled[0]!.tensors], `tensors after each job: ${ends.map((e) => e.tensors).join(",")}`);
    const rss = settled.map((e) => e.rssMB);
    const early = Math.max(...rss.slice(0, specs.length * 2));
    const late = Math.max(...rss.slice(-specs.length * 2));
    assert.ok(late - early < 60, `RSS grew from ${early} MB to ${late} MB over ${JOBS} jobs: ${rss.join(",")}`);
  });
});
