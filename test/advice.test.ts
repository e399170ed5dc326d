import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestEnv, upload, type TestEnv } from "./harness.js";

/** POST /v1/advice/hidden-units: the course's rules of thumb, on a real dataset's encoding. */
describe("hidden-units advice", () => {
  let env: TestEnv;
  let wine: any;
  let titanic: any;
  const A = { authorization: "Bearer key-a" };
  before(async () => {
    env = await createTestEnv({ API_KEYS: "a:key-a,b:key-b" });
    wine = await upload(env, "wine.csv", "key-a");
    titanic = await upload(env, "titanic.csv", "key-a");
  });
  after(() => env.close());

  it("counts N_i, N_o and N_s as a job would train, and computes every rule for them", async () => {
    const res = await env.api().post("/v1/advice/hidden-units").set(A).send({ datasetId: wine.id, target: "target" });
    assert.equal(res.status, 200, res.text);
    const a = res.body;
    assert.deepEqual([a.inputs, a.outputs, a.trainingRows], [13, 3, Math.round(178 * 0.7)]);
    const rule = (name: string) => a.rules.find((r: any) => r.name === name);
    assert.ok(Math.abs(rule("Li, Chow & Yu 1995").value - (Math.sqrt(105) - 1) / 2) < 1e-9);
    assert.ok(Math.abs(rule("Shibata & Ikeda 2009").value - Math.sqrt(39)) < 1e-9);
    assert.equal(rule("Hunter, Yu, Pukish, Kolbusz & Wilamowski 2012").value, 2 ** 13 - 1);
    assert.match(rule("Xu & Chen 2008").note, /C_f/);
    assert.deepEqual(a.space.hiddenLayers, [1, 2]);
    assert.ok(a.space.units.every((u: number) => u >= 1 && u <= 8192));
  });

  it("counts inputs after encoding: the same width the dry run gives a network on those columns", async () => {
    const body = { datasetId: titanic.id, target: "survived", features: ["pclass", "sex", "age", "embarked"], columns: { pclass: "categorical" } };
    const advice = await env.api().post("/v1/advice/hidden-units").set(A).send(body);
    assert.equal(advice.status, 200, advice.text);
    const dry = await env
      .api()
      .post("/v1/models/validate")
      .set(A)
      .send({ ...body, model: { type: "sequential", layers: [{ type: "dense", units: 4 }] } });
    assert.equal(dry.status, 200, dry.text);
    assert.equal(
      advice.body.inputs,
      dry.body.inputs.reduce((w: number, g: any) => w + g.width, 0),
    );
    assert.ok(advice.body.inputs > 4, "one-hot columns count one input per category");
    assert.equal(advice.body.outputs, 1, "a binary target has one sigmoid output");
  });

  it("refuses another tenant's dataset (404) and an unknown target (400, with the path)", async () => {
    const other = await env.api().post("/v1/advice/hidden-units").set({ authorization: "Bearer key-b" }).send({ datasetId: wine.id, target: "target" });
    assert.equal(other.status, 404);
    const bad = await env.api().post("/v1/advice/hidden-units").set(A).send({ datasetId: wine.id, target: "nope" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, "target");
  });
});
