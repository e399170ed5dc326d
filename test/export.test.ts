import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { parse } from "csv-parse/sync";
import { encodeRow } from "../src/training/index.js";
import { binary, createJob, createTestEnv, FIXTURES, KERAS_PYTHON, runPython, upload, waitForJob, type TestEnv } from "./harness.js";

const python = (spec: object) => runPython(KERAS_PYTHON, "export_check.py", spec);

/** Exports of trained models loaded in real Keras 3 and real onnxruntime, compared with /predict. */
describe(
  "export: .keras and .onnx in the real runtimes",
  { skip: existsSync(KERAS_PYTHON) ? false : `no Python with Keras at ${KERAS_PYTHON} (KERAS_PYTHON; .ci/run builds it from the wheel cache)` },
  () => {
    let env: TestEnv;
    let titanic: any;
    let iris: any;
    const dir = mkdtempSync(`${tmpdir()}/treino-export-`);
    const rows = (parse(readFileSync(`${FIXTURES}/titanic.csv`), { columns: true }) as Array<Record<string, string>>).filter((_, i) => i % 61 === 0);
    before(async () => {
      env = await createTestEnv();
      [titanic, iris] = [await upload(env, "titanic.csv"), await upload(env, "iris.csv")];
      await env.startWorker();
    });
    after(() => env.close());

    const download = async (modelId: string, file: string) => {
      const res = await env.api().get(`/v1/models/${modelId}/${file}`).buffer(true).parse(binary);
      assert.equal(res.status, 200, `${file}: ${res.status}`);
      writeFileSync(`${dir}/${modelId}-${file}`, res.body);
      return `${dir}/${modelId}-${file}`;
    };

    /** Trains, downloads both formats, and checks each runtime's outputs against /predict's probabilities (1e-5). */
    async function check(
      body: Record<string, unknown>,
      raw: Array<Record<string, string>>,
      formats: Array<"keras" | "onnx"> = ["keras", "onnx"],
      tolerance = 1e-5,
    ) {
      const job = await waitForJob(env, (await createJob(env, body)).id);
      assert.equal(job.status, "succeeded", JSON.stringify(job.error));
      const model = (await env.api().get(`/v1/models/${job.modelId}`)).body;
      const prep = model.preprocessing;
      const values = raw.map((r) => Object.fromEntries(model.features.map((f: string) => [f, r[f] === "" ? null : r[f]])));
      const predicted = (await env.api().post(`/v1/models/${job.modelId}/predict`).send({ rows: values })).body.predictions;
      const expected = predicted.map((p: any) => model.labels.map((l: string) => p.probabilities[l]));
      // The encoded inputs a Keras model takes: each row encoded as the service does, cut per model input.
      const width = prep.inputs.length;
      const x = new Float32Array(values.length * width);
      values.forEach((v, i) => encodeRow(prep.features, (name) => v[name] ?? undefined, x, i * width));
      const groups = prep.groups.map((g: any) => values.map((_, i) => Array.from(x.subarray(i * width + g.start, i * width + g.start + g.width))));
      const out = await python({
        keras: formats.includes("keras") ? await download(job.modelId, "model.keras") : null,
        keras_inputs: groups,
        onnx: formats.includes("onnx") ? await download(job.modelId, "model.onnx") : null,
        onnx_rows: values,
        onnx_types: Object.fromEntries(prep.features.map((f: any) => [f.name, f.kind === "categorical" ? "string" : "float"])),
      });
      const close = (got: number[][], what: string) =>
        got.forEach((row, i) => {
          const probs = row.length === 1 && expected[i].length === 2 ? [1 - row[0]!, row[0]!] : row;
          probs.forEach((p, k) =>
            assert.ok(Math.abs(p - expected[i][k]) < tolerance, `${what} row ${i}: ${JSON.stringify(probs)} vs ${JSON.stringify(expected[i])}`),
          );
        });
      if (out.keras) close(out.keras, "keras");
      if (out.onnx) close(out.onnx, "onnx");
      return { job, out };
    }

    const columns = { ignore: ["boat", "body", "name", "ticket", "cabin", "home.dest"], columns: { pclass: "categorical" } };

    it("a Titanic MLP (numbers with gaps, categories, batch norm, dropout): Keras 3 and onnxruntime agree with /predict", async () => {
      const { out } = await check(
        {
          datasetId: titanic.id,
          target: "survived",
          ...columns,
          model: {
            type: "sequential",
            layers: [
              { type: "dense", units: 16, activation: "relu" },
              { type: "batchNormalization" },
              { type: "dropout", rate: 0.2 },
              { type: "dense", units: 8, activation: "tanh" },
            ],
          },
          training: { epochs: 15 },
        },
        rows,
      );
      assert.match(out.versions.keras, /^3\./);
    });

    it("a network with two inputs and an embedding does the same", async () => {
      await check(
        {
          datasetId: titanic.id,
          target: "survived",
          ...columns,
          inputs: { numbers: ["age", "fare", "sibsp", "parch", "sex"], port: ["embarked"] },
          model: {
            type: "functional",
            inputs: [{ name: "numbers" }, { name: "port", encoding: "index" }],
            nodes: [
              { name: "h", layer: { type: "dense", units: 8, activation: "relu" }, inputs: ["numbers"] },
              { name: "emb", layer: { type: "embedding", outputDim: 3 }, inputs: ["port"] },
              { name: "flat", layer: { type: "flatten" }, inputs: ["emb"] },
              { name: "all", layer: { type: "concatenate" }, inputs: ["h", "flat"] },
            ],
            outputs: ["all"],
          },
          training: { epochs: 15 },
        },
        rows,
      );
    });

    it("an ELM exports to both; its sine nodes to ONNX only, with a 409 saying why for Keras", async () => {
      const irisRows = (parse(readFileSync(`${FIXTURES}/iris.csv`), { columns: true }) as Array<Record<string, string>>).filter((_, i) => i % 10 === 0);
      // An ELM's output weights are large (ridge with a tiny alpha): float32 rounding in the hidden
      // layer, summed in another order, moves probabilities by ~1e-5, so 1e-4 here.
      await check({ datasetId: iris.id, target: "target", model: { type: "elm", hiddenUnits: 40, activation: "sigmoid" } }, irisRows, ["keras", "onnx"], 1e-4);
      const { job } = await check(
        { datasetId: iris.id, target: "target", model: { type: "elm", hiddenUnits: 40, activation: "sine" } },
        irisRows,
        ["onnx"],
        1e-4,
      );
      const keras = await env.api().get(`/v1/models/${job.modelId}/model.keras`);
      assert.equal(keras.status, 409);
      assert.match(keras.body.detail, /ElmSine has no Keras 3 equivalent/);
    });

    it("every other layer the service trains: layer normalization, noise, activations, leaky ReLU, the merges, reshape", async () => {
      const irisRows = (parse(readFileSync(`${FIXTURES}/iris.csv`), { columns: true }) as Array<Record<string, string>>).filter((_, i) => i % 10 === 0);
      const node = (name: string, layer: object, inputs: string[]) => ({ name, layer, inputs });
      await check(
        {
          datasetId: iris.id,
          target: "target",
          model: {
            type: "functional",
            inputs: [{ name: "x" }],
            nodes: [
              node("a", { type: "dense", units: 8, activation: "relu" }, ["x"]),
              node("b", { type: "dense", units: 8, activation: "selu" }, ["x"]),
              node("ln", { type: "layerNormalization" }, ["a"]),
              node("gn", { type: "gaussianNoise", stddev: 0.1 }, ["ln"]),
              node("gd", { type: "gaussianDropout", rate: 0.1 }, ["b"]),
              node("ad", { type: "alphaDropout", rate: 0.1 }, ["gd"]),
              node("act", { type: "activation", activation: "swish" }, ["ad"]),
              node("lr", { type: "leakyRelu", alpha: 0.2 }, ["act"]),
              node("sum", { type: "add" }, ["gn", "lr"]),
              node("prod", { type: "multiply" }, ["gn", "lr"]),
              node("avg", { type: "average" }, ["sum", "prod"]),
              node("mx", { type: "maximum" }, ["avg", "gn"]),
              node("mn", { type: "minimum" }, ["mx", "lr"]),
              node("rs", { type: "reshape", targetShape: [2, 4] }, ["mn"]),
              node("fl", { type: "flatten" }, ["rs"]),
              node("soft", { type: "dense", units: 6, activation: "softplus" }, ["fl"]),
            ],
            outputs: ["soft"],
          },
          training: { epochs: 10 },
        },
        irisRows,
      );
    });

    it("baselines: forests, trees, naive Bayes and SVMs to ONNX on raw columns; a kNN says it has none", async () => {
      const irisRows = (parse(readFileSync(`${FIXTURES}/iris.csv`), { columns: true }) as Array<Record<string, string>>).filter((_, i) => i % 10 === 0);
      await check({ datasetId: titanic.id, target: "survived", ...columns, model: { type: "randomForest", trees: 30 } }, rows, ["onnx"]);
      await check({ datasetId: iris.id, target: "target", model: { type: "naiveBayes" } }, irisRows, ["onnx"], 1e-4);
      // Regression: the tree's leaf means, undone from the standardized target.
      const tree = await waitForJob(
        env,
        (await createJob(env, { datasetId: iris.id, target: "petal_length", model: { type: "decisionTree", maxDepth: 6 } })).id,
      );
      const model = (await env.api().get(`/v1/models/${tree.modelId}`)).body;
      assert.deepEqual(
        model.formats.map((f: any) => f.format),
        ["baseline", "onnx"],
      );
      const values = irisRows.map((r) => Object.fromEntries(model.features.map((f: string) => [f, r[f]])));
      const predicted = (await env.api().post(`/v1/models/${tree.modelId}/predict`).send({ rows: values })).body.predictions.map((p: any) => p.value);
      const types = Object.fromEntries(model.preprocessing.features.map((f: any) => [f.name, f.kind === "categorical" ? "string" : "float"]));
      const out = await python({ onnx: await download(tree.modelId, "model.onnx"), onnx_rows: values, onnx_types: types });
      out.onnx.forEach((v: number[], i: number) => assert.ok(Math.abs(v[0]! - predicted[i]) < 1e-4, `row ${i}: ${v[0]} vs ${predicted[i]}`));
      // SVMs: libsvm's model as ai.onnx.ml SVMClassifier, two classes (Platt in ONNX ops) and three (the op's coupling).
      await check({ datasetId: titanic.id, target: "survived", ...columns, model: { type: "svm", C: 2 } }, rows, ["onnx"]);
      await check({ datasetId: iris.id, target: "target", model: { type: "svm", kernel: "polynomial" } }, irisRows, ["onnx"]);
      const svr = await waitForJob(env, (await createJob(env, { datasetId: iris.id, target: "petal_length", model: { type: "svm" } })).id);
      const svrValues = (await env.api().post(`/v1/models/${svr.modelId}/predict`).send({ rows: values })).body.predictions.map((p: any) => p.value);
      const svrOut = await python({ onnx: await download(svr.modelId, "model.onnx"), onnx_rows: values, onnx_types: types });
      svrOut.onnx.forEach((v: number[], i: number) => assert.ok(Math.abs(v[0]! - svrValues[i]) < 1e-4, `SVR row ${i}: ${v[0]} vs ${svrValues[i]}`));
      const knn = await waitForJob(env, (await createJob(env, { datasetId: iris.id, target: "target", model: { type: "knn" } })).id);
      const refused = await env.api().get(`/v1/models/${knn.modelId}/model.onnx`);
      assert.equal(refused.status, 409);
      assert.match(refused.body.detail, /knn has no ONNX export yet/);
    });
  },
);
