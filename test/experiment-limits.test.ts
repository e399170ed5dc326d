import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createJob, createTestEnv, upload, type TestEnv } from "./harness.js";

/** Experiments are a tenant's own and bounded before anything is built. No worker: they stay queued. */
describe("experiments: tenants and limits", () => {
  let env: TestEnv;
  let irisA: any;
  const A = "Bearer key-a";
  const B = "Bearer key-b";
  before(async () => {
    env = await createTestEnv({
      API_KEYS: "alice:key-a,bob:key-b",
      MAX_ACTIVE_EXPERIMENTS_PER_TENANT: "1",
      MAX_ACTIVE_JOBS_PER_TENANT: "1",
      MAX_EXPERIMENT_TRIALS: "20",
    });
    irisA = await upload(env, "iris.csv", "key-a");
  });
  after(() => env.close());

  const compare = (datasetId: string) => ({
    kind: "compare",
    datasetId,
    target: "target",
    candidates: [
      { name: "floor", model: { type: "majority" } },
      { name: "forest", model: { type: "randomForest", trees: 5 } },
    ],
  });
  const post = (auth: string, body: object) => env.api().post("/v1/experiments").set("authorization", auth).send(body);

  it("keeps one tenant's experiments and datasets from another", async () => {
    const mine = await post(A, compare(irisA.id));
    assert.equal(mine.status, 202, mine.text);
    const id = mine.body.id;
    for (const path of [`/v1/experiments/${id}`, `/v1/experiments/${id}/plots/leaderboard.svg`]) {
      const res = await env.api().get(path).set("authorization", B);
      assert.equal(res.status, 404, path);
    }
    assert.equal((await env.api().post(`/v1/experiments/${id}/cancel`).set("authorization", B)).status, 404);
    assert.deepEqual((await env.api().get("/v1/experiments").set("authorization", B)).body.items, []);
    const theirs = await post(B, compare(irisA.id));
    assert.equal(theirs.status, 404, "bob cannot train on alice's dataset");
    assert.equal(theirs.body.errors[0].path, "datasetId");
    // Still queued for alice, untouched by bob's attempts.
    assert.equal((await env.api().get(`/v1/experiments/${id}`).set("authorization", A)).body.status, "queued");
  });

  it("counts experiments per tenant, and trials apart from the tenant's jobs", async () => {
    const second = await post(A, compare(irisA.id));
    assert.equal(second.status, 429);
    assert.match(second.body.detail, /MAX_ACTIVE_EXPERIMENTS_PER_TENANT/);
    // The queued experiment's two trials do not use up MAX_ACTIVE_JOBS_PER_TENANT (1).
    await createJob(env, { datasetId: irisA.id, target: "target", model: { type: "majority" } }, "key-a");
    const list = (await env.api().get("/v1/experiments").set("authorization", A)).body.items;
    const cancelled = await env.api().post(`/v1/experiments/${list[0].id}/cancel`).set("authorization", A);
    assert.equal(cancelled.status, 202);
    assert.equal(cancelled.body.trials.cancelled, 2);
    assert.equal((await post(A, compare(irisA.id))).status, 202, "room again once it ended");
  });

  it("refuses oversized searches and prototype paths before building anything", async () => {
    const random = await post(B, { kind: "search", method: "random", trials: 10_000, datasetId: irisA.id, target: "target", space: { type: "svm", C: [1] } });
    assert.equal(random.status, 400);
    assert.match(random.body.detail, /10000 trial jobs/);
    const genetic = await post(B, {
      kind: "search",
      method: "genetic",
      datasetId: irisA.id,
      target: "target",
      crossValidation: { folds: 5 },
      space: { type: "svm", C: [1, 2] },
      genetic: { population: 10, generations: 10 },
    });
    assert.equal(genetic.status, 400);
    assert.match(genetic.body.detail, /500 trial jobs/);
    const polluting = await post(B, {
      kind: "search",
      method: "grid",
      datasetId: irisA.id,
      target: "target",
      space: { type: "spec", model: { type: "majority" }, params: { "model.__proto__.polluted": [1] } },
    });
    assert.equal(polluting.status, 400);
    assert.match(polluting.body.errors[0].path, /space\.params/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual((await env.api().get("/v1/experiments").set("authorization", B)).body.items, [], "nothing recorded");
  });
});
