import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createJob, createTestEnv, fixture, schemaClient, upload, waitForJob, type TestEnv } from "./harness.js";

/** Requests that once got a 500 (issue 19): each now a 400 that says what and where, with nothing left behind. */
describe("malformed requests are the client's: 400s, not 500s", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "" });
    iris = await upload(env, "iris.csv");
  });
  after(() => env.close());

  const datasetCount = async () => {
    const db = await schemaClient(env);
    try {
      return (await db.query('SELECT count(*)::int AS n FROM "Dataset"')).rows[0].n as number;
    } finally {
      await db.end();
    }
  };

  it("refuses a JSON Lines row nested 300,000 deep, storing nothing", async () => {
    const deep = "[".repeat(300_000) + "]".repeat(300_000);
    const before = await datasetCount();
    const res = await env
      .api()
      .post("/v1/datasets?name=deep&format=jsonl")
      .set("content-type", "application/x-ndjson")
      .send(`{"a":1,"b":2}\n{"a":${deep},"b":1}\n`);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.code, "malformed_jsonl");
    assert.match(res.body.detail, /^line 2: values nested more than 64 levels deep/);
    assert.equal(await datasetCount(), before, "no half-written dataset");
    // A bracket inside a string is text, not nesting.
    const ok = await env
      .api()
      .post("/v1/datasets?name=brackets&format=jsonl")
      .set("content-type", "application/x-ndjson")
      .send(`{"a":"${"[".repeat(200)}","b":1}\n{"a":"x","b":2}\n`);
    assert.equal(ok.status, 201, ok.text);
  });

  it("refuses a multipart body without a boundary", async () => {
    const res = await env
      .api()
      .post("/v1/datasets?name=x")
      .set("content-type", "multipart/form-data")
      .send('--x\r\nContent-Disposition: form-data; name="file"\r\n\r\na,b\r\n--x--\r\n');
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.detail, /multipart body cannot be read: .*[Bb]oundary/);
  });

  it("refuses search paths past the spec, into a number, or with a 20-digit index, at the path", async () => {
    for (const path of ["model.layers[5].units", "model.layers[0].units.x", "model.layers[12345678901234567890].units"]) {
      const res = await env
        .api()
        .post("/v1/experiments")
        .send({
          kind: "search",
          datasetId: iris.id,
          target: "target",
          method: "grid",
          space: { type: "spec", model: { type: "sequential", layers: [{ type: "dense", units: 4 }] }, params: { [path]: [2, 3] } },
        });
      assert.equal(res.status, 400, `${path}: ${res.text}`);
      assert.ok(
        res.body.errors.some((e: any) => e.path.startsWith("space.params")),
        JSON.stringify(res.body.errors),
      );
    }
    assert.deepEqual((await env.api().get("/v1/experiments")).body.items, []);
  });
});

describe("columns named like Object's members", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "" });
    await env.startWorker();
  });
  after(() => env.close());

  it("trains on __proto__, constructor and toString columns and predicts with one left out (imputed)", async () => {
    const csv = fixture("iris.csv")
      .toString()
      .replace(/^sepal_length,sepal_width,petal_length/, "__proto__,constructor,toString");
    const up = await env.api().post("/v1/datasets?name=proto").set("content-type", "text/csv").send(csv);
    assert.equal(up.status, 201, up.text);
    assert.deepEqual(
      up.body.columns.slice(0, 3).map((c: any) => [c.name, c.type, c.missing]),
      [
        ["__proto__", "numeric", 0],
        ["constructor", "numeric", 0],
        ["toString", "numeric", 0],
      ],
    );
    const job = await createJob(env, {
      datasetId: up.body.id,
      target: "target",
      model: { type: "sequential", layers: [{ type: "dense", units: 8, activation: "relu" }] },
      training: { epochs: 20 },
    });
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.deepEqual((await env.api().get(`/v1/models/${done.modelId}`)).body.features.slice(0, 3), ["__proto__", "constructor", "toString"]);
    // Without __proto__ the row's own fields have none: imputed as any missing value (it used to read Object.prototype).
    const res = await env
      .api()
      .post(`/v1/models/${done.modelId}/predict`)
      .send({ rows: [{ constructor: 3.5, toString: 1.4, petal_width: 0.2 }] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.predictions.length, 1);
    assert.ok(["0", "1", "2"].includes(res.body.predictions[0].label), JSON.stringify(res.body));
    const full = await env
      .api()
      .post(`/v1/models/${done.modelId}/predict`)
      .send({ rows: [{ constructor: 3.5, toString: 1.4, petal_width: 0.2, valueOf: "ignored" }] });
    assert.equal(full.status, 200, full.text);
  });
});
