import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tf, tfl } from "../src/training/engine/tf.js";
import { initBackend } from "../src/training/engine/backend.js";
import { createJob, createTestEnv, FIXTURES, upload, waitForJob, type TestEnv } from "./harness.js";

const keras = (v: 2 | 3) => JSON.parse(readFileSync(`${FIXTURES}/keras/titanic-two-inputs.keras${v}.json`, "utf8"));
const inputs = { numeric: ["age", "fare", "sibsp", "parch"], categorical: ["sex", "pclass", "embarked"] };
const base = { target: "survived", columns: { pclass: "categorical" }, inputs };

describe("Functional graphs, Keras JSON and the dry run", () => {
  let env: TestEnv;
  let titanic: any;
  before(async () => {
    env = await createTestEnv({ MAX_PARAMS: "50000" });
    titanic = await upload(env, "titanic.csv");
    await env.startWorker();
  });
  after(() => env.close());

  const bad = async (body: Record<string, unknown>, path: string, message?: RegExp) => {
    const res = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: titanic.id, ...body });
    assert.equal(res.status, 400, res.text);
    const hit = res.body.errors.find((e: any) => e.path === path);
    assert.ok(hit, `no error at ${path}: ${JSON.stringify(res.body.errors)}`);
    if (message) assert.match(hit.message, message);
  };

  it("trains a Keras 3 model.to_json() with two inputs; the export loads in tfjs and predicts what /predict does", async () => {
    const job = await createJob(env, { datasetId: titanic.id, ...base, model: { type: "keras", modelTopology: keras(3) }, training: { epochs: 15 } });
    assert.ok(
      job.warnings.some((w: string) => /"categorical" is 10 wide in the Keras JSON; .* 11/.test(w)),
      job.warnings.join(" | "),
    );
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.ok(done.metrics.test.accuracy >= 0.75, `accuracy ${done.metrics.test.accuracy}`);
    const model = (await env.api().get(`/v1/models/${done.modelId}`)).body;
    assert.deepEqual(model.summary.layers.map((l: any) => l.name).sort(), [
      "cat_dense",
      "categorical",
      "concatenate",
      "dropout",
      "num_bn",
      "num_dense",
      "numeric",
      "survived",
    ]);

    await env.app.listen({ port: 0, host: "127.0.0.1" });
    const url = `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}/v1/models/${done.modelId}/model.json`;
    await initBackend((process.env.TFJS_BACKEND as "auto" | undefined) ?? "auto");
    const net = await tfl.loadLayersModel(url);
    assert.deepEqual(
      net.inputs.map((i) => i.shape),
      [
        [null, 4],
        [null, 11],
      ],
    );
    // Encode a row from model.json's metadata alone, as a TF.js app would.
    const meta = (await env.api().get(`/v1/models/${done.modelId}/model.json`)).body.userDefinedMetadata.preprocessing;
    const row: Record<string, string | number> = { age: 30, fare: 50, sibsp: 0, parch: 1, sex: "female", pclass: "2", embarked: "C" };
    const f = Object.fromEntries(meta.features.map((x: any) => [x.name, x]));
    const groups = meta.groups.map((g: any) =>
      g.columns.flatMap((c: string) => {
        const e = f[c];
        if (e.kind === "numeric") return [(Number(row[c]) - e.offset) / e.divisor];
        const hot = e.categories.map((k: string) => (k === String(row[c]) ? 1 : 0));
        return e.unknown ? [...hot, hot.includes(1) ? 0 : 1] : hot;
      }),
    );
    const p = (net.predict(groups.map((g: number[]) => tf.tensor2d([g]))) as tf.Tensor).dataSync()[0]!;
    const served = await env
      .api()
      .post(`/v1/models/${done.modelId}/predict`)
      .send({ rows: [row] });
    assert.equal(served.status, 200, served.text);
    assert.ok(Math.abs(served.body.predictions[0].probabilities["1"] - p) < 1e-5);
  });

  it("trains a tf.keras 2 model.to_json() too", async () => {
    const job = await createJob(env, {
      datasetId: titanic.id,
      ...base,
      model: { type: "keras", modelTopology: JSON.stringify(keras(2)) },
      training: { epochs: 3 },
    });
    assert.deepEqual(
      job.warnings.filter((w: string) => /wide in the Keras JSON/.test(w)),
      [],
    );
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
  });

  it("names the Keras layer TensorFlow.js cannot build", async () => {
    const json = keras(2);
    json.config.layers[5].class_name = "MyAttention";
    await bad({ ...base, model: { type: "keras", modelTopology: json } }, "model.modelTopology.config.layers[5]", /"hidden" is a MyAttention/);
  });

  it("trains a functional graph with an embedding for a categorical column", async () => {
    const job = await createJob(env, {
      datasetId: titanic.id,
      target: "survived",
      inputs: { numbers: ["age", "fare", "sibsp", "parch"], sex: ["sex"], port: ["embarked"] },
      model: {
        type: "functional",
        inputs: [{ name: "numbers" }, { name: "sex" }, { name: "port", encoding: "index" }],
        nodes: [
          { name: "h", layer: { type: "dense", units: 16, activation: "leakyRelu" }, inputs: ["numbers"] },
          { name: "emb", layer: { type: "embedding", outputDim: 3 }, inputs: ["port"] },
          { name: "flat", layer: { type: "flatten" }, inputs: ["emb"] },
          { name: "all", layer: { type: "concatenate" }, inputs: ["h", "sex", "flat"] },
          { name: "top", layer: { type: "dense", units: 8, activation: "gelu" }, inputs: ["all"] },
        ],
        outputs: ["top"],
      },
      training: { epochs: 10 },
    });
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    const model = (await env.api().get(`/v1/models/${done.modelId}`)).body;
    const emb = model.summary.layers.find((l: any) => l.type === "Embedding");
    assert.equal(emb.params, 4 * 3, "embarked's 3 ports + unknown, 3 numbers each");
    assert.equal(model.summary.layers.at(-1).name, "output", "an output layer was appended to the 8-unit node");
    const res = await env
      .api()
      .post(`/v1/models/${done.modelId}/predict`)
      .send({ rows: [{ age: 5, sex: "female", embarked: "Nowhere" }] });
    assert.equal(res.status, 200, res.text);
  });

  const graph = (nodes: unknown[], outputs = ["out"], ins = [{ name: "a" }, { name: "b" }]) => ({
    target: "survived",
    inputs: { a: ["age", "fare"], b: ["sex"] },
    model: { type: "functional", inputs: ins, nodes, outputs },
  });

  it("points at the node for each graph error", async () => {
    const d = (units: number) => ({ type: "dense", units });
    await bad(
      graph([
        { name: "x", layer: d(4), inputs: ["a"] },
        { name: "out", layer: d(2), inputs: ["nope"] },
      ]),
      "model.nodes[1].inputs[0]",
      /no input or node is named "nope"/,
    );
    await bad(
      graph([
        { name: "x", layer: d(4), inputs: ["y"] },
        { name: "y", layer: d(4), inputs: ["x"] },
        { name: "out", layer: { type: "concatenate" }, inputs: ["y", "b", "a"] },
      ]),
      "model.nodes[0].inputs",
      /cycle/,
    );
    await bad(
      graph([
        { name: "x", layer: d(4), inputs: ["a"] },
        { name: "lost", layer: d(4), inputs: ["a"] },
        { name: "out", layer: { type: "concatenate" }, inputs: ["x", "b"] },
      ]),
      "model.nodes[1]",
      /dangling/,
    );
    await bad(
      graph([
        { name: "x", layer: d(16), inputs: ["a"] },
        { name: "y", layer: d(8), inputs: ["b"] },
        { name: "out", layer: { type: "add" }, inputs: ["x", "y"] },
      ]),
      "model.nodes[2]",
      /add needs inputs of one shape, got \[16\], \[8\]/,
    );
    await bad(graph([{ name: "out", layer: { type: "add" }, inputs: ["a"] }]), "model.nodes[0].inputs", /two or more/);
    await bad({ ...graph([{ name: "out", layer: { type: "concatenate" }, inputs: ["a", "b"] }]), inputs: undefined }, "inputs", /map columns to each/);
    await bad(
      { ...graph([{ name: "out", layer: { type: "concatenate" }, inputs: ["a", "b"] }]), inputs: { a: ["age"], c: ["sex"] } },
      "inputs.c",
      /no input "c"/,
    );
  });

  it("dry-runs a spec: summary, parameters, memory estimate, warnings; limits as at job creation", async () => {
    const res = await env
      .api()
      .post("/v1/models/validate")
      .send({
        datasetId: titanic.id,
        target: "survived",
        model: {
          type: "sequential",
          layers: [
            { type: "dense", units: 32, activation: "relu" },
            { type: "dropout", rate: 0.2 },
          ],
        },
      });
    assert.equal(res.status, 200, res.text);
    const inputs = res.body.inputs[0].width;
    assert.deepEqual(
      res.body.summary.layers.map((l: any) => [l.type, l.outputShape, l.params]),
      [
        ["Dense", [null, 32], (inputs + 1) * 32],
        ["Dropout", [null, 32], 0],
        ["Dense", [null, 1], 33],
      ],
    );
    assert.equal(res.body.summary.totalParams, (inputs + 1) * 32 + 33);
    assert.equal(res.body.outputMode, "sigmoid");
    assert.ok(res.body.estimatedTrainingBytes > res.body.summary.totalParams * 4);
    assert.ok(res.body.warnings.some((w: string) => /possible leak: "boat"/.test(w)));

    const bare = await env
      .api()
      .post("/v1/models/validate")
      .send({ inputWidth: 10, model: { type: "sequential", layers: [{ type: "dense", units: 3, activation: "softmax" }] } });
    assert.equal(bare.status, 200, bare.text);
    assert.equal(bare.body.summary.totalParams, 33);
    assert.equal(bare.body.outputMode, "softmax");
    const k = await env
      .api()
      .post("/v1/models/validate")
      .send({ model: { type: "keras", modelTopology: keras(3) } });
    assert.equal(k.status, 200, k.text);
    assert.equal(k.body.summary.totalParams, 4 * 16 + 16 + 4 * 16 + 10 * 8 + 8 + 25);

    const huge = await env
      .api()
      .post("/v1/models/validate")
      .send({ inputWidth: 100, model: { type: "sequential", layers: [{ type: "dense", units: 1000 }] } });
    assert.equal(huge.status, 400);
    assert.equal(huge.body.errors[0].path, "model");
    assert.match(huge.body.errors[0].message, /MAX_PARAMS/);
    const none = await env
      .api()
      .post("/v1/models/validate")
      .send({ model: { type: "sequential", layers: [] } });
    assert.equal(none.status, 400);
    assert.equal(none.body.errors[0].path, "inputWidth");
  });
});
