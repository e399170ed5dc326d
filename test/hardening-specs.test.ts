import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestEnv, LOOP_BUDGET_MS, underLoopGuard, upload, type TestEnv } from "./harness.js";

/** A Keras 2 `to_json()` of Dense layers with the given kernel initializer. */
function kerasDense(units: number[], initializer: unknown, inputWidth = units[0]!) {
  return {
    class_name: "Sequential",
    config: {
      name: "hostile",
      layers: units.map((u, i) => ({
        class_name: "Dense",
        config: {
          name: `dense_${i}`,
          units: u,
          activation: "relu",
          kernel_initializer: initializer,
          ...(i === 0 ? { batch_input_shape: [null, inputWidth] } : {}),
        },
      })),
    },
  };
}

/** Spec attacks from the issue-19 review: each sent while the API's event loop is watched. */
describe("hostile model specs cost the API arithmetic, not tensors", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "", MAX_TRAINING_BYTES: String(8 * 1024 ** 3) });
    iris = await upload(env, "iris.csv");
  });
  after(() => env.close());
  const validate = (body: object) => env.api().post("/v1/models/validate").send(body);
  const orthogonal = { class_name: "Orthogonal", config: { gain: 1, seed: null } };

  it("describes Orthogonal Dense(1024) -> Dense(1024) from its shapes: dry run, job and experiment", async () => {
    const model = { type: "keras", modelTopology: kerasDense([1024, 1024], orthogonal) };
    const dry = await underLoopGuard(env, () => validate({ model }));
    assert.equal(dry.result.status, 200, dry.result.text);
    assert.equal(dry.result.body.summary.totalParams, 2 * (1024 * 1024 + 1024));
    assert.deepEqual(
      dry.result.body.summary.layers.map((l: any) => [l.name, l.outputShape]),
      [
        ["dense_0", [null, 1024]],
        ["dense_1", [null, 1024]],
      ],
    );
    assert.ok(dry.worstMs < LOOP_BUDGET_MS, `dry run held the loop ${dry.worstMs.toFixed(0)} ms (was 10.2 s when the network was built)`);

    const job = await underLoopGuard(env, () =>
      env
        .api()
        .post("/v1/jobs")
        .send({ datasetId: iris.id, target: "target", model, training: { epochs: 1 } }),
    );
    assert.equal(job.result.status, 202, job.result.text);
    assert.ok(job.worstMs < LOOP_BUDGET_MS, `job creation held the loop ${job.worstMs.toFixed(0)} ms (was 13.6 s)`);
    const summary = (await env.api().get(`/v1/jobs/${job.result.body.id}`)).body;
    assert.equal(summary.status, "queued");

    const candidates = Array.from({ length: 6 }, (_, i) => ({
      name: `c${i}`,
      model: { type: "keras", modelTopology: kerasDense([1024 + i, 1024], orthogonal) },
    }));
    const exp = await underLoopGuard(env, () => env.api().post("/v1/experiments").send({ kind: "compare", datasetId: iris.id, target: "target", candidates }));
    assert.equal(exp.result.status, 202, exp.result.text);
    assert.ok(exp.worstMs < LOOP_BUDGET_MS, `planning 6 candidates held the loop ${exp.worstMs.toFixed(0)} ms`);
  });

  it("describes glorot/he/truncated-normal Dense(4096) x 2 without building it", async () => {
    for (const init of [
      "glorot_uniform",
      { class_name: "HeNormal", config: { seed: 3 } },
      { class_name: "TruncatedNormal", config: { mean: 0, stddev: 0.05 } },
    ]) {
      const { result, worstMs } = await underLoopGuard(env, () => validate({ model: { type: "keras", modelTopology: kerasDense([4096, 4096], init, 64) } }));
      assert.equal(result.status, 200, result.text);
      assert.equal(result.body.summary.totalParams, 64 * 4096 + 4096 + 4096 * 4096 + 4096);
      assert.ok(worstMs < LOOP_BUDGET_MS, `${JSON.stringify(init)} held the loop ${worstMs.toFixed(0)} ms`);
    }
  });

  it("validates initializers like any field: known names, bounded arguments, at the layer's path", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ class_name: "Orthogonal", config: { gain: 1e300 } }, /Orthogonal\.gain must be a finite number/],
      [{ class_name: "RandomNormal", config: { stddev: -1 } }, /RandomNormal\.stddev must be positive/],
      [{ class_name: "VarianceScaling", config: { scale: 1, mode: "fan_everything" } }, /VarianceScaling\.mode/],
      [{ class_name: "GlorotUniform", config: { seed: 1.5 } }, /seed must be an integer/],
      ["orthogonal_but_faster", /"orthogonal_but_faster" is not supported: use one of/],
    ];
    for (const [init, message] of cases) {
      const res = await validate({ model: { type: "keras", modelTopology: kerasDense([8, 4], init) } });
      assert.equal(res.status, 400, `${JSON.stringify(init)}: ${res.text}`);
      assert.equal(res.body.errors[0].path, "model.modelTopology.config.layers[0].config.kernel_initializer");
      assert.match(res.body.errors[0].message, message);
    }
  });

  it("counts the layers of nested models at every depth against MAX_LAYERS", async () => {
    const nested = (k: number) => ({
      class_name: "Sequential",
      config: { name: `block_${k}`, layers: Array.from({ length: 150 }, (_, i) => ({ class_name: "Dense", config: { name: `b${k}_d${i}`, units: 2 } })) },
    });
    const topology = {
      class_name: "Sequential",
      config: {
        name: "towers",
        layers: [{ class_name: "InputLayer", config: { name: "in", batch_input_shape: [null, 2] } }, ...Array.from({ length: 63 }, (_, k) => nested(k))],
      },
    };
    const { result, worstMs } = await underLoopGuard(env, () => validate({ model: { type: "keras", modelTopology: topology } }));
    assert.equal(result.status, 400, result.text);
    assert.equal(result.body.errors[0].path, "model.modelTopology");
    assert.match(result.body.errors[0].message, /at most 64 layers \(MAX_LAYERS\)/);
    assert.ok(worstMs < LOOP_BUDGET_MS, `9,450 nested layers held the loop ${worstMs.toFixed(0)} ms`);
  });

  it("refuses at creation a job whose training memory estimate is over MAX_TRAINING_BYTES", async () => {
    const layers = [{ type: "dense", units: 8192 }, ...Array.from({ length: 62 }, () => ({ type: "dense", units: 256 }))];
    const dry = await validate({ inputWidth: 16, model: { type: "sequential", layers }, training: { batchSize: 65_536 } });
    assert.equal(dry.status, 400, dry.text);
    assert.equal(dry.body.errors[0].path, "training.batchSize");
    assert.match(dry.body.errors[0].message, /about \d+\.\d\d GiB .* more than 8\.00 GiB \(MAX_TRAINING_BYTES\): lower training\.batchSize/);
    const job = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: iris.id, target: "target", model: { type: "sequential", layers }, training: { batchSize: 65_536 } });
    assert.equal(job.status, 400, job.text);
    assert.match(job.body.errors[0].message, /MAX_TRAINING_BYTES/);
    const ok = await validate({ inputWidth: 16, model: { type: "sequential", layers }, training: { batchSize: 32 } });
    assert.equal(ok.status, 200, "the same network at batch 32 fits");
  });
});
