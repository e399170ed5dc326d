import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createTestEnv, FIXTURES, type TestEnv } from "./harness.js";

const keras = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/keras/${name}`, "utf8"));

describe("model specs bounded before anything is built; real Keras JSON", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "" });
  });
  after(() => env.close());
  const validate = (body: object) => env.api().post("/v1/models/validate").send(body);

  it("refuses 4 x Dense(8192) on 8192 inputs from the spec's arithmetic, allocating nothing", async () => {
    const before = process.memoryUsage().rss;
    const dense = { type: "dense", units: 8192 };
    const res = await validate({ inputWidth: 8192, model: { type: "sequential", layers: [dense, dense, dense, dense] } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.errors[0].path, "model");
    assert.match(res.body.errors[0].message, /^268468224 parameters, more than 20000000 \(MAX_PARAMS\)/);
    // Building it would have held 1 GB of weights in this process.
    assert.ok(process.memoryUsage().rss - before < 200 * 2 ** 20, `RSS grew ${(process.memoryUsage().rss - before) / 2 ** 20} MB`);
  });

  it("caps each dimension by configuration: input width, embedding sizes", async () => {
    const wide = await validate({ inputWidth: 10_000_000, model: { type: "sequential", layers: [] } });
    assert.equal(wide.status, 400);
    assert.match(wide.body.errors[0].message, /MAX_INPUT_WIDTH/);
    const emb = await validate({
      model: {
        type: "functional",
        inputs: [{ name: "c", encoding: "index", width: 1 }],
        outputs: ["f"],
        nodes: [
          { name: "e", layer: { type: "embedding", inputDim: 50_000_000, outputDim: 64 }, inputs: ["c"] },
          { name: "f", layer: { type: "flatten" }, inputs: ["e"] },
        ],
      },
    });
    assert.equal(emb.status, 400, emb.text);
    assert.equal(emb.body.errors[0].path, "model.nodes[0].layer.inputDim");
  });

  it("reads a Functional model holding a nested Sequential and a nested Functional (Keras 3)", async () => {
    const res = await validate({ model: { type: "keras", modelTopology: keras("nested.keras3.json") } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.summary.totalParams, 217, "Keras's count_params()");
    const tower = res.body.summary.layers.find((l: any) => l.name === "tower");
    assert.equal(tower.type, "Sequential");
    assert.equal(tower.params, 8 * 16 + 16);
    const inSeq = await validate({ model: { type: "keras", modelTopology: keras("seq-in-seq.keras3.json") } });
    assert.equal(inSeq.status, 200, inSeq.text);
    assert.equal(inSeq.body.summary.totalParams, 83);
  });

  it("reads LecunNormal / LecunUniform initializers as Keras 2.4+ and 3 spell them", async () => {
    const res = await validate({ model: { type: "keras", modelTopology: keras("lecun.keras3.json") } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.summary.totalParams, 193);
  });

  it("reads the Keras <= 2.1 format whose Sequential config is the list of layers", async () => {
    const res = await validate({ model: { type: "keras", modelTopology: keras("sequential-list.keras21.json") } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.summary.totalParams, 121);
    assert.deepEqual(
      res.body.summary.layers.map((l: any) => l.name),
      ["dense_1", "dropout_1", "dense_2"],
    );
  });

  it("says which layer needs image or sequence input, and that datasets here are tables", async () => {
    for (const [file, layer, rank] of [
      ["conv.keras3.json", "Conv2D", 4],
      ["lstm.keras3.json", "LSTM", 3],
    ] as const) {
      const res = await validate({ model: { type: "keras", modelTopology: keras(file) } });
      assert.equal(res.status, 400, res.text);
      const [err] = res.body.errors;
      assert.match(err.path, /^model\.modelTopology\.config\.layers\[1\]$/);
      assert.match(err.message, new RegExp(`\\(${layer}\\): needs input of rank ${rank}.*datasets here are tables`));
    }
  });

  it("names the layer of an initializer tfjs does not know", async () => {
    const json = keras("lecun.keras3.json");
    json.config.layers[1].config.kernel_initializer.class_name = "OrthogonalButBetter";
    const res = await validate({ model: { type: "keras", modelTopology: json } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.errors[0].path, "model.modelTopology.config.layers[1].config.kernel_initializer");
    assert.match(res.body.errors[0].message, /layer "dense_1": kernel_initializer OrthogonalButBetter is not supported/);
  });
});
