import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { binary, createJob, createTestEnv, waitForJob, type TestEnv } from "./harness.js";

/**
 * A board-game table shaped like UCI's kr-vs-kp (3,196 rows, 36 categorical columns, most of
 * them f/t, every fifth one f/n/t), with a rule a ridge ELM learns to ~0.96: won when c0 = f and
 * c1 = t, or when c5 = n. Written by a seeded generator, so every run has the same rows.
 */
function chessLike(): string {
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines = [[...Array.from({ length: 36 }, (_, i) => `c${i}`), "result"].join(",")];
  for (let r = 0; r < 3196; r++) {
    const v = Array.from({ length: 36 }, (_, i) => (i % 5 === 0 ? ["f", "t", "n"][Math.floor(rnd() * 3)]! : rnd() < 0.5 ? "f" : "t"));
    lines.push([...v, (v[0] === "f" && v[1] === "t") || v[5] === "n" ? "won" : "nowin"].join(","));
  }
  return lines.join("\n") + "\n";
}

describe("ELM size search: the refit is the model the search scored", () => {
  let env: TestEnv;
  let dataset: any;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "" });
    await env.startWorker();
    const res = await env.api().post("/v1/datasets?name=chess").set("content-type", "text/csv").send(chessLike());
    assert.equal(res.status, 201, res.text);
    dataset = res.body;
  });
  after(() => env.close());

  const train = async (body: Record<string, unknown>) => {
    const job = await createJob(env, { datasetId: dataset.id, target: "result", ...body });
    const done = await waitForJob(env, job.id, undefined, 300_000);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    return done;
  };

  it("keeps f/n/t columns categorical: their 'n' is a third value, not a 'no'", () => {
    const c5 = dataset.columns.find((c: any) => c.name === "c5");
    assert.equal(c5.type, "categorical");
    assert.equal(dataset.columns.find((c: any) => c.name === "c1").type, "boolean");
  });

  it("scores each size, refits the best on train + validation, and that model does at least as well there and agrees with a direct fit", async () => {
    const split = { test: 0.2, validation: 0.1, seed: 42 };
    const search = await train({
      split,
      model: { type: "elm", hiddenUnits: { search: [100, 500, 1000, 2000], by: "validation" }, alpha: 1e-3, activation: "sigmoid" },
    });
    const chosen = search.metrics.elm.hiddenUnits;
    const at = search.history.hiddenUnits.indexOf(chosen);
    const scored = search.history.val_score[at];
    assert.equal(scored, Math.max(...search.history.val_score), "the best size is chosen");
    assert.ok(
      search.metrics.validation.accuracy >= scored,
      `refit ${search.metrics.validation.accuracy} on the validation rows it was fitted on < search score ${scored}`,
    );
    assert.ok(search.metrics.test.accuracy >= 0.93, `test accuracy ${search.metrics.test.accuracy}`);

    // The size search as a complexity graph: each size's training score beside its validation score.
    const c = { ...search.metrics.complexityGraph, points: search.metrics.complexity };
    assert.deepEqual(
      c.points.map((p: any) => p.value),
      [100, 500, 1000, 2000],
    );
    assert.equal(c.peak, chosen, "the graph's peak is the size the search chose");
    assert.ok(c.oneStandardError <= c.peak);
    c.points.forEach((p: any, i: number) => {
      assert.equal(p.validation.mean, search.history.val_score[i]);
      assert.equal(p.train.mean, search.history.train_score[i]);
      assert.ok(p.train.mean >= p.validation.mean - 0.05, `size ${p.value}: training ${p.train.mean}, validation ${p.validation.mean}`);
    });
    assert.ok(c.points.at(-1).train.mean > c.points[0].train.mean, "training accuracy rises with the hidden size");
    const plot = await env.api().get(`/v1/jobs/${search.id}/plots/complexity.svg`).buffer(true).parse(binary);
    assert.equal(plot.status, 200);
    assert.ok((plot.body as Buffer).toString("utf8").includes(`validation peak: ${c.peak}`));

    // The same size fitted directly on the same rows (train + validation: the test rows are cut first).
    const direct = await train({ split: { ...split, validation: 0 }, model: { type: "elm", hiddenUnits: chosen, alpha: 1e-3, activation: "sigmoid" } });
    assert.equal(direct.metrics.test.n, search.metrics.test.n);
    assert.ok(
      Math.abs(direct.metrics.test.accuracy - search.metrics.test.accuracy) <= 2 / search.metrics.test.n,
      `direct ${direct.metrics.test.accuracy} vs refit ${search.metrics.test.accuracy}`,
    );
    const rows = Array.from({ length: 12 }, (_, r) =>
      Object.fromEntries(Array.from({ length: 36 }, (_, i) => [`c${i}`, (r + i) % 3 === 0 ? "f" : (r * i) % 5 === 1 && i % 5 === 0 ? "n" : "t"])),
    );
    const p = async (modelId: string) =>
      (await env.api().post(`/v1/models/${modelId}/predict`).send({ rows })).body.predictions.map((x: any) => x.probabilities.won);
    // float32 sums of H^T H in another row order, through a system of condition ~1e7: close, not bit-equal.
    const [a, b] = [await p(search.modelId), await p(direct.modelId)];
    a.forEach((v: number, i: number) => assert.ok(Math.abs(v - b[i]) < 1e-2, `row ${i}: ${v} vs ${b[i]}`));
  });
});
