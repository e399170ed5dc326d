import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { createTestEnv, upload, waitForExperiment, type TestEnv, type Worker } from "./harness.js";

/** Experiments: compares and searches whose trials are jobs spread over real worker processes. */
describe("experiments", () => {
  let env: TestEnv;
  let wine: any;
  let iris: any;
  let workers: Worker[];
  before(async () => {
    env = await createTestEnv({ MAX_EXPERIMENT_TRIALS: "60", MAX_RUNNING_JOBS_PER_TENANT: "4" });
    [wine, iris] = [await upload(env, "wine.csv"), await upload(env, "iris.csv")];
    workers = [await env.startWorker(), await env.startWorker()];
  });
  after(() => env.close());

  const start = async (body: object) => {
    const res = await env.api().post("/v1/experiments").send(body);
    assert.equal(res.status, 202, res.text);
    return res.body;
  };
  const waitFor = (id: string) => waitForExperiment(env, id);
  const mlp = { type: "sequential", layers: [{ type: "dense", units: 16, activation: "relu" }] };
  const training = { epochs: 40, batchSize: 16, optimizer: { type: "adam", learningRate: 0.01 } };

  it("compares networks and baselines on the same folds: leaderboard, paired tests, plots", async () => {
    const exp = await start({
      kind: "compare",
      datasetId: wine.id,
      target: "target",
      crossValidation: { folds: 3 },
      training,
      candidates: [
        { name: "mlp", model: mlp },
        { name: "elm", model: { type: "elm", hiddenUnits: 60 } },
        { name: "svm", model: { type: "svm" } },
        { name: "logreg", model: { type: "logisticRegression" } },
        { name: "forest", model: { type: "randomForest", trees: 30 } },
        { name: "majority", model: { type: "majority" } },
      ],
    });
    assert.equal(exp.trials.total, 18, "6 candidates x 3 folds");
    const done = await waitFor(exp.id);
    assert.equal(done.status, "succeeded");
    assert.equal(done.evaluation, "3 folds");
    assert.equal(done.leaderboard.length, 6);
    for (const row of done.leaderboard) assert.equal(row.trials.succeeded, 3, row.name);
    assert.equal(done.leaderboard.at(-1).name, "majority", "the floor is last");
    assert.ok(done.leaderboard[0].score.mean > 0.9, JSON.stringify(done.leaderboard[0]));
    assert.ok(done.leaderboard[0].metrics.macroF1 && done.leaderboard[0].fitSeconds && done.leaderboard[0].predictMsPer1000Rows);
    assert.equal(done.comparisons.length, 5);
    const floor = done.comparisons.find((c: any) => c.name === "majority");
    assert.ok(floor.pValue < 0.05 && !floor.withinNoise, JSON.stringify(floor));
    // Every candidate was tested on the same rows of each fold.
    const jobs = await Promise.all(
      done.leaderboard
        .flatMap((r: any) => r.jobIds)
        .map((id: string) =>
          env
            .api()
            .get(`/v1/jobs/${id}`)
            .then((r) => r.body),
        ),
    );
    const testRows = new Map<number, Set<number>>();
    for (const j of jobs) (testRows.get(j.split.fold.index) ?? testRows.set(j.split.fold.index, new Set()).get(j.split.fold.index)!).add(j.metrics.test.n);
    assert.deepEqual([...testRows.keys()].sort(), [0, 1, 2]);
    for (const sizes of testRows.values()) assert.equal(sizes.size, 1, "one test size per fold");
    assert.ok(done.plots.includes("leaderboard.svg") && done.plots.includes("learning-curves.png"));
    const svg = await env.api().get(`/v1/experiments/${exp.id}/plots/leaderboard.svg`);
    assert.equal(svg.status, 200);
    for (const name of ["mlp", "elm", "svm", "logreg", "forest", "majority"]) assert.ok(String(svg.body).includes(name), name);
    // The best's request trains as a job as it is.
    const job = await env.api().post("/v1/jobs").send(done.best.request);
    assert.equal(job.status, 202, job.text);
  });

  it("runs a grid as one trial per point, on both worker processes", async () => {
    const space = { type: "mlp", hiddenLayers: [1, 2], units: [4, 12], learningRate: [0.01, 0.03] };
    const exp = await start({ kind: "search", method: "grid", datasetId: iris.id, target: "target", space, training: { epochs: 30, batchSize: 16 } });
    // Depth 1: 2 widths, depth 2: 2 x 2, times 2 learning rates.
    assert.equal(exp.trials.total, (2 + 4) * 2);
    const done = await waitFor(exp.id);
    assert.equal(done.status, "succeeded");
    assert.equal(done.leaderboard.length, 12);
    assert.equal(done.evaluation, "split");
    const ids = done.leaderboard.flatMap((r: any) => r.jobIds);
    const ranOn = workers.map((w) => ids.filter((id: string) => w.output().includes(`"msg":"training started","jobId":"${id}"`)).length);
    assert.ok(
      ranOn.every((n) => n > 0),
      `trials per worker: ${ranOn}`,
    );
    assert.equal(ranOn[0]! + ranOn[1]!, 12);
  });

  it("finds a spec over 0.95 CV accuracy on wine by a seeded genetic search", async () => {
    const body = {
      kind: "search",
      method: "genetic",
      datasetId: wine.id,
      target: "target",
      crossValidation: { folds: 3 },
      seed: 5,
      space: { type: "mlp", hiddenLayers: [1, 2], units: [2, 4, 8, 16], activation: ["relu", "tanh"], learningRate: [0.001, 0.01, 0.03] },
      genetic: { population: 4, generations: 3 },
      training: { epochs: 30, batchSize: 16 },
    };
    const exp = await start(body);
    const done = await waitFor(exp.id);
    assert.equal(done.status, "succeeded");
    assert.equal(done.generations.length, 3);
    assert.ok(done.best.score.mean >= 0.95, `best CV accuracy ${done.best.score.mean} (${done.best.name})`);
    // Elitism: the best never gets worse from one generation to the next.
    for (let g = 1; g < 3; g++) assert.ok(done.generations[g].best >= done.generations[g - 1].best, JSON.stringify(done.generations));
    assert.ok(done.plots.includes("generations.svg"));
  });

  it("cancels a whole experiment: no trial is left queued or running", async () => {
    const exp = await start({
      kind: "search",
      method: "random",
      trials: 12,
      datasetId: wine.id,
      target: "target",
      space: { type: "mlp", hiddenLayers: [2], units: [32, 48, 64, 96, 128, 160] },
      training: { epochs: 400, batchSize: 8 },
    });
    for (let i = 0; i < 100; i++) {
      const now = (await env.api().get(`/v1/experiments/${exp.id}`)).body;
      if (now.trials.running > 0) break;
      await sleep(200);
    }
    const cancelled = await env.api().post(`/v1/experiments/${exp.id}/cancel`);
    assert.equal(cancelled.status, 202);
    assert.equal(cancelled.body.status, "cancelled");
    let last: any;
    for (let i = 0; i < 150; i++) {
      last = (await env.api().get(`/v1/experiments/${exp.id}`)).body;
      if (last.trials.running === 0 && last.trials.queued === 0) break;
      await sleep(200);
    }
    assert.equal(last.trials.running + last.trials.queued, 0, JSON.stringify(last.trials));
    assert.equal(last.trials.total, 12);
    assert.ok(last.trials.cancelled >= 10, JSON.stringify(last.trials));
    const again = await env.api().post(`/v1/experiments/${exp.id}/cancel`);
    assert.equal(again.status, 409);
  });

  it("runs a search on the space the sizing advice returns, as it is", async () => {
    const advice = await env.api().post("/v1/advice/hidden-units").send({ datasetId: iris.id, target: "target" });
    assert.equal(advice.status, 200, advice.text);
    const exp = await start({
      kind: "search",
      method: "random",
      trials: 3,
      datasetId: iris.id,
      target: "target",
      space: advice.body.space,
      training: { epochs: 20 },
    });
    const done = await waitFor(exp.id);
    assert.equal(done.status, "succeeded");
    assert.equal(done.leaderboard.length, 3);
  });

  it("refuses a bad candidate, a grid over the limit and twin names, leaving nothing behind", async () => {
    const bad = await env
      .api()
      .post("/v1/experiments")
      .send({
        kind: "compare",
        datasetId: wine.id,
        target: "target",
        candidates: [
          { name: "a", model: mlp },
          { name: "b", model: { type: "sequential", layers: [{ type: "dense", units: 0 }] } },
        ],
      });
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0].path, /^candidates\.1\.model|^candidates\[1\]/);
    const big = await env
      .api()
      .post("/v1/experiments")
      .send({
        kind: "search",
        method: "grid",
        datasetId: wine.id,
        target: "target",
        crossValidation: { folds: 5 },
        space: { type: "mlp", hiddenLayers: [2], units: [1, 2, 3, 4] },
      });
    assert.equal(big.status, 400);
    assert.match(big.body.detail, /80 trial jobs.*MAX_EXPERIMENT_TRIALS/);
    const twins = await env
      .api()
      .post("/v1/experiments")
      .send({
        kind: "compare",
        datasetId: wine.id,
        target: "target",
        candidates: [
          { name: "a", model: mlp },
          { name: "a", model: { type: "majority" } },
        ],
      });
    assert.equal(twins.status, 400);
    assert.equal(twins.body.errors[0].path, "candidates[1].name");
    const list = await env.api().get("/v1/experiments?limit=100");
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 5, "only the experiments above");
  });
});
