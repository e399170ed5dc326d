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

    // The ready search: one hidden layer over the rules' widths and beyond them, drawn as a complexity graph.
    assert.deepEqual([a.search.kind, a.search.datasetId, a.search.complexityBy, a.search.space.hiddenLayers], ["search", wine.id, "layers", [1]]);
    const widths: number[] = a.search.space.units;
    for (const u of a.space.units) assert.ok(widths.includes(u), `the rules' ${u}`);
    assert.deepEqual(
      widths,
      [...new Set(widths)].sort((x, y) => x - y),
      "sorted, each once",
    );
    const [lo, hi] = [Math.min(...a.space.units), Math.max(...a.space.units)];
    assert.equal(widths.includes(Math.round(lo / 2)) || lo < 2, true, "a width below the rules' smallest");
    assert.equal(widths.includes(hi * 2) || hi * 2 > 8192, true, "a width above the rules' largest, within MAX_UNITS");
    const posted = await env.api().post("/v1/experiments").set(A).send(a.search);
    assert.equal(posted.status, 202, posted.text);
    assert.equal(posted.body.trials.total, widths.length * 3);
    assert.equal((await env.api().post(`/v1/experiments/${posted.body.id}/cancel`).set(A)).status, 202);
    const wrong = await env
      .api()
      .post("/v1/experiments")
      .set(A)
      .send({ ...a.search, complexityBy: "dropout.rate" });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors[0].path, "complexityBy");
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
