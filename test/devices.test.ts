import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

/**
 * A queue per device kind: jobs with training.device "gpu" go to workers started with
 * WORKER_DEVICE=gpu and to no others, and the rest to CPU workers. (These machines have no GPU:
 * the "gpu" worker here trains on the CPU; what is tested is where jobs go.)
 */
describe("jobs routed to workers by device", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    env = await createTestEnv();
    iris = await upload(env, "iris.csv");
  });
  after(() => env.close());
  const spec = (device?: string) => ({
    datasetId: iris.id,
    target: "target",
    model: { type: "sequential", layers: [] },
    training: { epochs: 2, ...(device ? { device } : {}) },
  });

  it("refuses a GPU job while no GPU worker is connected, and keeps no job for it", async () => {
    const res = await env.api().post("/v1/jobs").send(spec("gpu"));
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.errors[0].path, "training.device");
    assert.match(res.body.detail, /WORKER_DEVICE=gpu/);
    assert.deepEqual((await env.api().get("/v1/jobs")).body.items, []);
  });

  it("sends GPU jobs to GPU workers only, and CPU jobs to CPU workers only", async () => {
    const gpu = await env.startWorker({ WORKER_DEVICE: "gpu" });
    const onGpu = await createJob(env, spec("gpu"));
    assert.equal(onGpu.training.device, "gpu");
    assert.equal((await waitForJob(env, onGpu.id)).status, "succeeded");
    assert.ok(gpu.output().includes(onGpu.id), "the GPU worker trained it");

    const onCpu = await createJob(env, spec());
    await sleep(3000); // the GPU worker is idle: were the job in its queue it would have started
    assert.equal((await env.api().get(`/v1/jobs/${onCpu.id}`)).body.status, "queued", "a GPU worker does not take CPU jobs");
    const cpu = await env.startWorker();
    assert.equal((await waitForJob(env, onCpu.id)).status, "succeeded");
    assert.ok(cpu.output().includes(onCpu.id) && !gpu.output().includes(onCpu.id), "the CPU worker trained it");
  });
});
