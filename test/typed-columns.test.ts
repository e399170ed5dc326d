import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createJob, createTestEnv, fixture, schemaClient, upload, waitForJob, type TestEnv } from "./harness.js";

/**
 * Datasets stored as typed columns (issue 22): written at upload beside the original file, read by
 * jobs instead of the text, and written by the first job on a dataset uploaded before they existed.
 * Whatever the path, a job learns from the same values: its results do not change.
 */
describe("datasets stored as typed columns", () => {
  let env: TestEnv;
  before(async () => {
    // No table cache in the worker: every job reads the dataset from storage.
    env = await createTestEnv({ TABLE_CACHE_BYTES: "0" });
    await env.startWorker();
  });
  after(() => env.close());

  const pieces = async (datasetId: string) => {
    const db = await schemaClient(env);
    try {
      const r = await db.query<{ n: string; stored: boolean }>(
        'SELECT (SELECT COUNT(*) FROM "DatasetColumn" WHERE "datasetId" = $1) AS n, (SELECT "columnsStored" FROM "Dataset" WHERE "id" = $1) AS stored',
        [datasetId],
      );
      return { count: Number(r.rows[0]!.n), stored: r.rows[0]!.stored };
    } finally {
      await db.end();
    }
  };
  const train = async (datasetId: string, target: string, model: object) => {
    const job = await waitForJob(env, (await createJob(env, { datasetId, target, model, split: { seed: 7 }, training: { seed: 7 } })).id);
    assert.equal(job.status, "succeeded", JSON.stringify(job.error));
    return job;
  };

  it("are written at upload; the download is still the original file; an older dataset gets them from its first job, with the same results", async () => {
    const ds = await upload(env, "titanic.csv");
    const stored = await pieces(ds.id);
    assert.ok(stored.stored && stored.count >= ds.columns.length, `one piece per column at least: ${JSON.stringify(stored)}`);
    const download = await env.api().get(`/v1/datasets/${ds.id}/download`);
    assert.equal(download.status, 200);
    assert.match(download.headers["content-type"]!, /^text\/csv/);
    assert.equal(createHash("sha256").update(download.text).digest("hex"), createHash("sha256").update(fixture("titanic.csv")).digest("hex"));
    assert.equal(download.headers.etag, `"${ds.sha256}"`);
    const unchanged = await env.api().get(`/v1/datasets/${ds.id}/download`).set("if-none-match", download.headers.etag!);
    assert.equal(unchanged.status, 304);

    const model = { type: "randomForest", trees: 20 };
    const fromColumns = await train(ds.id, "survived", model);
    // What the migration leaves for a dataset uploaded before typed columns: no pieces, columnsStored false.
    const db = await schemaClient(env);
    await db.query('DELETE FROM "DatasetColumn" WHERE "datasetId" = $1', [ds.id]);
    await db.query('UPDATE "Dataset" SET "columnsStored" = false WHERE "id" = $1', [ds.id]);
    await db.end();
    const fromText = await train(ds.id, "survived", model);
    assert.deepEqual(fromText.metrics.test, fromColumns.metrics.test, "the text and the typed columns train the same model");
    const converted = await pieces(ds.id);
    assert.deepEqual(converted, stored, "the first job stored the same pieces again");
    const again = await train(ds.id, "survived", model);
    assert.deepEqual(again.metrics.test, fromColumns.metrics.test);
  });

  it("keep a label's own spelling: a target written 1.0 / 0.0 predicts the label 1.0", async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${(i % 10) / 10},${i % 3},${i % 10 >= 5 ? "1.0" : "0.0"}`);
    const res = await env
      .api()
      .post("/v1/datasets?name=spelled.csv")
      .set("content-type", "text/csv")
      .send(["x,z,label", ...rows].join("\n") + "\n");
    assert.equal(res.status, 201, res.text);
    const job = await train(res.body.id, "label", { type: "decisionTree" });
    assert.deepEqual((await env.api().get(`/v1/models/${job.modelId}`)).body.labels, ["0.0", "1.0"]);
    const predicted = await env
      .api()
      .post(`/v1/models/${job.modelId}/predict`)
      .send({ rows: [{ x: 0.9, z: 1 }] });
    assert.equal(predicted.status, 200, predicted.text);
    assert.equal(predicted.body.predictions[0].label, "1.0");
  });
});
