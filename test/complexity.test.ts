import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { binary, createTestEnv, upload, waitForExperiment, type TestEnv } from "./harness.js";

/**
 * The model complexity graph (issue 25) on a public table: one hidden layer from 2 to 1,024 units
 * on Titanic, 3 folds, no early stopping: the training score climbs with size while validation
 * turns, and the graph, its points and its one-standard-error choice say so.
 */
describe("model complexity graph", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv();
    await env.startWorker();
  });
  after(() => env.close());

  it(
    "draws training and validation accuracy against hidden units, marks the peak, and picks no larger model by one standard error",
    { timeout: 600_000 },
    async () => {
      const titanic = await upload(env, "titanic.csv");
      const res = await env
        .api()
        .post("/v1/experiments")
        .send({
          kind: "search",
          method: "grid",
          datasetId: titanic.id,
          target: "survived",
          ignore: ["boat", "body", "name", "ticket", "cabin", "home.dest"],
          crossValidation: { folds: 3 },
          training: { epochs: 60, batchSize: 32, optimizer: { type: "adam", learningRate: 0.01 } },
          space: { type: "mlp", hiddenLayers: [1], units: [2, 8, 32, 128, 512, 1024] },
        });
      assert.equal(res.status, 202, res.text);
      const done = await waitForExperiment(env, res.body.id, 600_000);
      assert.equal(done.status, "succeeded", JSON.stringify(done.trials));
      const c = { ...done.complexityGraph, points: done.complexity };
      assert.ok(done.complexityGraph, "a grid along a numeric size has a complexity graph");
      // complexity[] marks the peak and the one-standard-error choice among its points.
      assert.equal(done.complexity.find((p: any) => p.peak).value, done.complexityGraph.peak);
      assert.equal(done.complexity.find((p: any) => p.oneStandardError).value, done.complexityGraph.oneStandardError);
      assert.equal(c.by, "layers", "the dimension that changes the parameter count (the only one here)");
      assert.equal(c.logScale, true);
      assert.deepEqual(
        c.points.map((p: any) => p.value),
        [2, 8, 32, 128, 512, 1024],
      );
      for (const p of c.points) assert.ok(p.train && p.validation && p.folds === 3, JSON.stringify(p));
      console.log(
        JSON.stringify({
          peak: c.peak,
          oneStandardError: c.oneStandardError,
          note: c.note,
          points: c.points.map((p: any) => [p.value, p.train.mean.toFixed(4), p.validation.mean.toFixed(4)]),
        }),
      );
      const first = c.points[0];
      const last = c.points.at(-1);
      assert.ok(last.train.mean > first.train.mean, `training accuracy rises with size: ${first.train.mean} -> ${last.train.mean}`);
      assert.ok(
        last.train.mean - last.validation.mean > first.train.mean - first.validation.mean,
        `the gap between training and validation widens: ${JSON.stringify(c.points.map((p: any) => [p.value, p.train.mean, p.validation.mean]))}`,
      );
      const peak = c.points.find((p: any) => p.value === c.peak);
      assert.ok(
        c.points.every((p: any) => p.validation.mean <= peak.validation.mean),
        "the peak is the best validation score",
      );
      assert.ok(c.oneStandardError <= c.peak, "the one-standard-error choice is never larger than the peak");
      const within = c.points.find((p: any) => p.value === c.oneStandardError);
      assert.ok(within.validation.mean >= peak.validation.mean - c.standardError - 1e-12);
      assert.equal(c.points.find((p: any) => p.parameters !== null).parameters > 0, true);

      assert.ok(done.plots.includes("complexity.svg") && done.plots.includes("complexity.png"), JSON.stringify(done.plots));
      const svg = ((await env.api().get(`/v1/experiments/${done.id}/plots/complexity.svg`).buffer(true).parse(binary)).body as Buffer).toString("utf8");
      for (const text of ["training", "validation", `validation peak: ${c.peak}`, "layers (total hidden units)"]) assert.ok(svg.includes(text), text);
      assert.equal((svg.match(/aria-roledescription="area mark"/g) ?? []).length, 2, "a fold band for each curve");
    },
  );
});
