import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";
import { tfl } from "../src/training/engine/tf.js";
import { initBackend } from "../src/training/engine/backend.js";

/** The model registry (issue 24): names, immutable versions, audited aliases and the stable URLs that follow them. */
describe("model registry", () => {
  let env: TestEnv;
  let base: string;
  const A = "key-a";
  const B = "key-b";
  const as = (auth: string, req: any) => req.set("authorization", `Bearer ${auth}`);
  /** Two networks (v1, v2) and a majority baseline (v3) on iris, all of tenant A. */
  let jobs: any[];
  const row = { sepal_length: 6.3, sepal_width: 2.9, petal_length: 5.6, petal_width: 1.8 };

  before(async () => {
    env = await createTestEnv({
      API_KEYS: "alice:key-a,bob:key-b",
      MAX_ALIASES_PER_MODEL: "3",
      MAX_VERSIONS_PER_MODEL: "4",
      MAX_REGISTERED_MODELS_PER_TENANT: "3",
    });
    const iris = await upload(env, "iris.csv", A);
    await env.startWorker();
    const specs = [
      { model: { type: "sequential", layers: [] }, training: { epochs: 2 } },
      {
        model: { type: "sequential", layers: [{ type: "dense", units: 8, activation: "relu" }] },
        training: { epochs: 60, batchSize: 8, optimizer: { type: "adam", learningRate: 0.05 } },
      },
      { model: { type: "majority" } },
    ];
    jobs = [];
    for (const s of specs)
      jobs.push(await waitForJob(env, (await createJob(env, { datasetId: iris.id, target: "target", split: { seed: 7 }, ...s }, A)).id, undefined, 120_000, A));
    for (const j of jobs) assert.equal(j.status, "succeeded", JSON.stringify(j.error));
    await env.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}`;
    await initBackend((process.env.TFJS_BACKEND as "auto" | undefined) ?? "auto");
  });
  after(() => env.close());

  /** The weights a TF.js client gets from a URL, as one flat array. */
  async function loadedWeights(url: string): Promise<number[]> {
    const net = await tfl.loadLayersModel(url, { requestInit: { headers: { authorization: `Bearer ${A}` } } });
    const flat = net.getWeights().flatMap((w) => Array.from(w.dataSync()));
    net.dispose();
    return flat;
  }
  const floats = (b: Buffer) => Array.from(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4));
  const bytes = async (path: string) =>
    (
      await as(A, env.api().get(path))
        .buffer(true)
        .parse((res: any, cb: any) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => cb(null, Buffer.concat(chunks)));
        })
    ).body as Buffer;

  it("registers versions, follows an alias in TF.js, and keeps version URLs fixed", async () => {
    assert.equal((await as(A, env.api().post("/v1/registry")).send({ name: "iris", description: "the species" })).status, 201);
    assert.equal((await as(A, env.api().post("/v1/registry")).send({ name: "iris" })).status, 409, "names are unique per tenant");
    const v1 = (await as(A, env.api().post("/v1/registry/iris/versions")).send({ modelId: jobs[0].modelId, note: "first" })).body;
    const v2 = (await as(A, env.api().post("/v1/registry/iris/versions")).send({ modelId: jobs[1].modelId })).body;
    assert.deepEqual([v1.version, v2.version], [1, 2]);
    assert.equal(v1.lineage.jobId, jobs[0].id);
    assert.match(v1.lineage.dataset.sha256, /^[0-9a-f]{64}$/);
    assert.equal(v1.lineage.metrics.test.accuracy, jobs[0].metrics.test.accuracy);
    assert.equal(v1.urls["model.json"], "/v1/registry/iris/versions/1/model.json");
    assert.equal(v1.lineage.spec.model.type, "sequential", "the spec it was trained from");
    const listed = (await as(A, env.api().get("/v1/registry/iris/versions"))).body.items;
    assert.deepEqual(
      listed.map((v: any) => [v.version, v.lineage.spec, v.lineage.metrics.test.accuracy]),
      [
        [2, undefined, jobs[1].metrics.test.accuracy],
        [1, undefined, jobs[0].metrics.test.accuracy],
      ],
      "newest first, metrics side by side, specs left to the version's own view",
    );
    assert.equal(
      (await as(A, env.api().post("/v1/registry/iris/versions")).send({ modelId: jobs[0].modelId })).status,
      409,
      "a model is one version of a name",
    );

    const moved = await as(A, env.api().put("/v1/registry/iris/aliases/production")).send({ version: 1 });
    assert.equal(moved.status, 200, moved.text);
    assert.deepEqual([moved.body.previous, moved.body.version, moved.body.moved], [null, 1, true]);

    const w1 = floats(await bytes(`/v1/models/${jobs[0].modelId}/weights.bin`));
    const w2 = floats(await bytes(`/v1/models/${jobs[1].modelId}/weights.bin`));
    const aliasUrl = `${base}/v1/registry/iris/aliases/production/model.json`;
    assert.deepEqual(await loadedWeights(aliasUrl), w1, "the alias serves v1's network");

    const first = await as(A, env.api().get("/v1/registry/iris/aliases/production/model.json"));
    const pinned = await as(A, env.api().get("/v1/registry/iris/versions/1/model.json"));
    assert.equal(first.headers["cache-control"], "private, no-cache", "an alias URL is revalidated");
    assert.match(pinned.headers["cache-control"], /max-age=31536000, immutable/, "a version URL is cached forever");
    assert.equal(first.headers["treino-version"], "1");
    assert.equal((await as(A, env.api().get("/v1/registry/iris/aliases/production/model.json")).set("if-none-match", first.headers.etag)).status, 304);

    assert.equal((await as(A, env.api().put("/v1/registry/iris/aliases/production")).send({ version: 2 })).body.previous, 1);
    assert.deepEqual(await loadedWeights(aliasUrl), w2, "the same URL now serves v2's network");
    assert.deepEqual(floats(await bytes("/v1/registry/iris/aliases/production/weights.bin")), w2);
    const after = await as(A, env.api().get("/v1/registry/iris/aliases/production/model.json")).set("if-none-match", first.headers.etag);
    assert.equal(after.status, 200, "the old ETag no longer matches");
    assert.notEqual(after.headers.etag, first.headers.etag);
    const still = await as(A, env.api().get("/v1/registry/iris/versions/1/model.json"));
    assert.equal(still.headers.etag, pinned.headers.etag, "v1's URL is unchanged");
    assert.deepEqual(await loadedWeights(`${base}/v1/registry/iris/versions/1/model.json`), w1);

    const answered = await as(A, env.api().post("/v1/registry/iris/aliases/production/predict")).send({ rows: [row] });
    assert.deepEqual([answered.headers["treino-version"], answered.headers["treino-model-id"]], ["2", jobs[1].modelId]);
    const viaAlias = answered.body;
    const viaModel = (await as(A, env.api().post(`/v1/models/${jobs[1].modelId}/predict`)).send({ rows: [row] })).body;
    assert.deepEqual(viaAlias, viaModel, "predict follows the alias");

    const model = (await as(A, env.api().get(`/v1/models/${jobs[1].modelId}`))).body;
    assert.deepEqual(model.registered, [{ name: "iris", version: 2, aliases: ["production"] }]);
    const job = (await as(A, env.api().get(`/v1/jobs/${jobs[0].id}`))).body;
    assert.deepEqual(job.registered, [{ name: "iris", version: 1, aliases: [] }], "the job view drops its cache when the alias leaves v1");
    const view = (await as(A, env.api().get("/v1/registry/iris"))).body;
    assert.deepEqual([view.latestVersion, view.versions, view.aliases], [2, 2, { production: 2 }]);
  });

  it("refuses a worse version with the guard, with both numbers", async () => {
    const v3 = (await as(A, env.api().post("/v1/registry/iris/versions")).send({ modelId: jobs[2].modelId })).body;
    assert.equal(v3.version, 3);
    const [mine, theirs] = [jobs[2].metrics.test.accuracy, jobs[1].metrics.test.accuracy];
    assert.ok(mine < theirs, `the majority floor (${mine}) is below the network (${theirs})`);
    const guarded = { version: 3, ifMetricAtLeast: { metric: "accuracy", of: "production" } };
    const refused = await as(A, env.api().put("/v1/registry/iris/aliases/production")).send(guarded);
    assert.equal(refused.status, 409, refused.text);
    assert.ok(refused.body.detail.includes(mine.toFixed(4)) && refused.body.detail.includes(theirs.toFixed(4)), refused.body.detail);
    assert.equal((await as(A, env.api().get("/v1/registry/iris"))).body.aliases.production, 2, "production did not move");
    // Against itself the guard passes; staging has no version yet, so nothing to beat.
    const ok = await as(A, env.api().put("/v1/registry/iris/aliases/staging")).send({ version: 2, ifMetricAtLeast: { metric: "accuracy", of: "production" } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.guard.passed, true);
    const loss = await as(A, env.api().put("/v1/registry/iris/aliases/staging")).send({ version: 3, ifMetricAtLeast: { metric: "loss", of: "production" } });
    assert.equal(loss.status, 409, "lower is better for a loss: the majority's is higher");
  });

  it("keeps registered models from deletion, and never reuses a version number", async () => {
    const refused = await as(A, env.api().delete(`/v1/models/${jobs[1].modelId}`));
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /is version 2 of 'iris'/);
    assert.equal((await as(A, env.api().delete(`/v1/jobs/${jobs[1].id}`))).status, 409, "nor through its job");
    assert.equal((await as(A, env.api().get(`/v1/models/${jobs[1].modelId}`))).status, 200, "still there");
    assert.equal((await as(A, env.api().delete("/v1/registry/iris/versions/2"))).status, 409, "an alias points at v2");
    assert.equal((await as(A, env.api().delete("/v1/registry/iris"))).status, 409, "aliases point into it");

    assert.equal((await as(A, env.api().delete("/v1/registry/iris/versions/3"))).status, 204);
    assert.equal((await as(A, env.api().get("/v1/registry/iris/versions/3/baseline.json"))).status, 404);
    assert.equal((await as(A, env.api().delete(`/v1/models/${jobs[2].modelId}`))).status, 204, "unregistered, it may go");
    const again = await as(A, env.api().post("/v1/registry/iris/versions")).send({ modelId: jobs[2].modelId });
    assert.equal(again.status, 404, "a deleted model cannot be registered");
  });

  it("applies racing alias moves one at a time: one winner, both in the audit list", async () => {
    await as(A, env.api().post("/v1/registry")).send({ name: "race" });
    for (const j of jobs.slice(0, 2)) await as(A, env.api().post("/v1/registry/race/versions")).send({ modelId: j.modelId });
    const moves = await Promise.all([1, 2, 1, 2].map((version) => as(A, env.api().put("/v1/registry/race/aliases/live")).send({ version })));
    for (const m of moves) assert.equal(m.status, 200, m.text);
    const audit = (await as(A, env.api().get("/v1/registry/race/audit"))).body.items.reverse();
    const recorded = moves.filter((m) => m.body.moved).length;
    assert.equal(audit.length, recorded, "every move that changed the alias is recorded");
    assert.ok(recorded >= 2, "1 then 2 (or 2 then 1) at least");
    audit.forEach((m: any, i: number) => assert.equal(m.from, i === 0 ? null : audit[i - 1].to, "each move starts where the one before left it"));
    const winner = (await as(A, env.api().get("/v1/registry/race"))).body.aliases.live;
    assert.equal(winner, audit.at(-1).to, "the alias is where the last recorded move put it");
    assert.equal(audit[0].tenant, "alice");

    assert.equal((await as(A, env.api().delete("/v1/registry/race/aliases/live"))).status, 204);
    const last = (await as(A, env.api().get("/v1/registry/race/audit?limit=1"))).body;
    assert.deepEqual([last.items[0].from, last.items[0].to], [winner, null]);
    assert.equal((await as(A, env.api().get("/v1/registry/race/aliases/live/model.json"))).status, 404);
    assert.equal((await as(A, env.api().delete("/v1/registry/race"))).status, 204, "no alias left: the name goes, its models stay");
    assert.equal((await as(A, env.api().get(`/v1/models/${jobs[0].modelId}`))).body.registered.length, 1, "only iris's v1 is left");
  });

  it("answers 404 to another tenant on every registry URL", async () => {
    const urls = [
      ["get", "/v1/registry/iris"],
      ["get", "/v1/registry/iris/versions"],
      ["get", "/v1/registry/iris/versions/1"],
      ["get", "/v1/registry/iris/audit"],
      ["get", "/v1/registry/iris/aliases/production"],
      ["delete", "/v1/registry/iris"],
      ["delete", "/v1/registry/iris/versions/1"],
      ["delete", "/v1/registry/iris/aliases/production"],
      ...["model.json", "weights.bin", "model.keras", "model.onnx"].flatMap((f) => [
        ["get", `/v1/registry/iris/aliases/production/${f}`],
        ["get", `/v1/registry/iris/versions/1/${f}`],
      ]),
    ] as const;
    for (const [method, url] of urls) {
      const agent = env.api();
      assert.equal((await as(B, method === "get" ? agent.get(url) : agent.delete(url))).status, 404, `${method} ${url}`);
    }
    assert.equal((await as(B, env.api().put("/v1/registry/iris/aliases/production")).send({ version: 1 })).status, 404);
    assert.equal((await as(B, env.api().post("/v1/registry/iris/versions")).send({ modelId: jobs[0].modelId })).status, 404);
    assert.equal((await as(B, env.api().post("/v1/registry/iris/aliases/production/predict")).send({ rows: [row] })).status, 404);
    assert.deepEqual((await as(B, env.api().get("/v1/registry"))).body.items, []);
    // Bob's own "iris" is his, and cannot take Alice's model.
    assert.equal((await as(B, env.api().post("/v1/registry")).send({ name: "iris" })).status, 201);
    const taken = await as(B, env.api().post("/v1/registry/iris/versions")).send({ modelId: jobs[0].modelId });
    assert.equal(taken.status, 404);
    assert.equal(taken.body.errors[0].path, "modelId");
  });

  it("refuses hostile names and numbers with a 400 naming the field, and holds its limits", async () => {
    for (const name of ["..", "%2e%2e", "a b", "x".repeat(65), "-lead", "ü"])
      assert.equal((await as(A, env.api().post("/v1/registry")).send({ name })).status, 400, name);
    for (const path of [
      "/v1/registry/iris/versions/1e0",
      "/v1/registry/iris/versions/0x1",
      "/v1/registry/iris/versions/0",
      "/v1/registry/iris/versions/99999999999",
    ])
      assert.equal((await as(A, env.api().get(path))).status, 400, path);
    const v1Alias = await as(A, env.api().put("/v1/registry/iris/aliases/v1")).send({ version: 1 });
    assert.equal(v1Alias.status, 400, "an alias may not read as a version");
    assert.equal((await as(A, env.api().put("/v1/registry/iris/aliases/Prod")).send({ version: 1 })).status, 400);
    const guard = await as(A, env.api().put("/v1/registry/iris/aliases/qa")).send({ version: 1, ifMetricAtLeast: { metric: "speed", of: "production" } });
    assert.equal(guard.status, 400);
    assert.match(guard.body.errors[0].path, /ifMetricAtLeast\.metric/);
    assert.equal((await as(A, env.api().put("/v1/registry/iris/aliases/qa")).send({ version: 9 })).status, 404);

    // MAX_ALIASES_PER_MODEL=3: production and staging exist; one more fits, the next does not.
    assert.equal((await as(A, env.api().put("/v1/registry/iris/aliases/qa")).send({ version: 1 })).status, 200);
    const over = await as(A, env.api().put("/v1/registry/iris/aliases/canary")).send({ version: 1 });
    assert.equal(over.status, 403);
    assert.match(over.body.detail, /MAX_ALIASES_PER_MODEL/);
    // MAX_REGISTERED_MODELS_PER_TENANT=3: iris plus two more.
    for (const name of ["m1", "m2"]) assert.equal((await as(A, env.api().post("/v1/registry")).send({ name })).status, 201);
    const full = await as(A, env.api().post("/v1/registry")).send({ name: "m3" });
    assert.equal(full.status, 403);
    assert.match(full.body.detail, /MAX_REGISTERED_MODELS_PER_TENANT/);
    // MAX_VERSIONS_PER_MODEL=4: iris holds v1 and v2 (v3 was unregistered), so two more, then no room.
    for (const j of jobs.slice(0, 2)) assert.equal((await as(A, env.api().post("/v1/registry/m1/versions")).send({ modelId: j.modelId })).status, 201);
    const extra = await createJob(env, { datasetId: jobs[0].datasetId, target: "target", model: { type: "majority" } }, A);
    const done = await waitForJob(env, extra.id, undefined, 60_000, A);
    assert.equal((await as(A, env.api().post("/v1/registry/iris/versions")).send({ modelId: done.modelId })).body.version, 4, "3 is never reused");
    const extra2 = await waitForJob(
      env,
      (await createJob(env, { datasetId: jobs[0].datasetId, target: "target", model: { type: "majority" } }, A)).id,
      undefined,
      60_000,
      A,
    );
    assert.equal((await as(A, env.api().post("/v1/registry/iris/versions")).send({ modelId: extra2.modelId })).body.version, 5);
    const extra3 = await waitForJob(
      env,
      (await createJob(env, { datasetId: jobs[0].datasetId, target: "target", model: { type: "majority" } }, A)).id,
      undefined,
      60_000,
      A,
    );
    const tooMany = await as(A, env.api().post("/v1/registry/iris/versions")).send({ modelId: extra3.modelId });
    assert.equal(tooMany.status, 403);
    assert.match(tooMany.body.detail, /MAX_VERSIONS_PER_MODEL/);

    // The storage quota holds on the registry's writes too (lineage copies, audit rows): with the
    // quota lowered to what Alice stores now, neither a version nor an alias move is written.
    const quota = env.config.MAX_STORAGE_BYTES_PER_TENANT;
    const before = (await as(A, env.api().get("/v1/registry/m1/audit"))).body.items.length;
    try {
      (env.config as { MAX_STORAGE_BYTES_PER_TENANT: number }).MAX_STORAGE_BYTES_PER_TENANT = 1;
      const version = await as(A, env.api().post("/v1/registry/m2/versions")).send({ modelId: jobs[0].modelId });
      assert.equal(version.status, 403);
      assert.match(version.body.detail, /version refused.*MAX_STORAGE_BYTES_PER_TENANT/);
      const move = await as(A, env.api().put("/v1/registry/m1/aliases/production")).send({ version: 1 });
      assert.equal(move.status, 403);
      assert.match(move.body.detail, /alias move refused/);
    } finally {
      (env.config as { MAX_STORAGE_BYTES_PER_TENANT: number }).MAX_STORAGE_BYTES_PER_TENANT = quota;
    }
    assert.equal((await as(A, env.api().get("/v1/registry/m2"))).body.versions, 0, "nothing half-written");
    assert.equal((await as(A, env.api().get("/v1/registry/m1/audit"))).body.items.length, before);
  });
});
