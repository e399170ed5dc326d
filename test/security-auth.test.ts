import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { apiProcess, createJob, createTestEnv, upload, waitForJob, type ApiProcess, type TestEnv, type Worker } from "./harness.js";

/** Sends one request exactly as written (no client normalizes the target); returns status line and body. */
async function raw(port: number, head: string): Promise<{ status: number; text: string }> {
  const socket = connect(port, "127.0.0.1");
  socket.write(head + "\r\n\r\n");
  let text = "";
  socket.on("data", (d) => (text += d));
  await new Promise((resolve) => socket.once("close", resolve).once("end", resolve));
  socket.destroy();
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]), text };
}

describe("authentication: deny by default, decided from the matched route", () => {
  let env: TestEnv;
  let api: ApiProcess;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "alice:alice-key-0001", RATE_LIMIT_PER_MINUTE: "8", METRICS_TOKEN: "metrics-token-0123456789" });
    api = await apiProcess(env);
  });
  after(async () => {
    api.proc.kill("SIGTERM");
    await api.exited;
    await env.close();
  });

  it("answers 401 to encoded paths and absolute-form targets that used to skip the key", async () => {
    for (const target of ["/%761/datasets", "/%76%31/jobs", "/v1/%64atasets", "http://x/v1/datasets", "http://127.0.0.1/v1/jobs"]) {
      const res = await raw(api.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close`);
      assert.ok(res.status === 401 || res.status === 400 || res.status === 404, `${target}: ${res.status}`);
      assert.doesNotMatch(res.text, /"items"/, `${target} must not list anything`);
    }
    // An upload that way makes nothing, under any tenant.
    const up = await raw(
      api.port,
      "POST /%761/datasets?name=x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\nContent-Length: 8\r\nConnection: close\r\n\r\na,b\n1,2\n".slice(
        0,
        -4,
      ),
    );
    assert.equal(up.status, 401, up.text);
    const n = await env.app.services.datasets.list("alice", { limit: 100 });
    assert.equal(n.items.length, 0);
    await assert.rejects(env.app.services.datasets.list("", { limit: 100 }), /no tenant/);
  });

  it("keeps health, readiness and docs public, and everything else behind a key", async () => {
    assert.equal((await fetch(`${api.base}/health`)).status, 200);
    assert.equal((await fetch(`${api.base}/ready`)).status, 200);
    assert.equal((await fetch(`${api.base}/docs/json`)).status, 200);
    assert.equal((await fetch(`${api.base}/no/such/route`)).status, 401, "an unknown path is not a way to probe without a key");
    assert.equal((await fetch(`${api.base}/v1/datasets`, { headers: { authorization: "Bearer alice-key-0001" } })).status, 200);
  });

  it("serves /metrics only with METRICS_TOKEN, not with a tenant's key", async () => {
    assert.equal((await fetch(`${api.base}/metrics`)).status, 401);
    assert.equal((await fetch(`${api.base}/metrics`, { headers: { authorization: "Bearer alice-key-0001" } })).status, 401);
    const ok = await fetch(`${api.base}/metrics`, { headers: { authorization: "Bearer metrics-token-0123456789" } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /treino_jobs/);
  });

  it("limits failed key attempts per client address (429 with Retry-After)", async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 12 && !limited; i++) {
      const res = await fetch(`${api.base}/v1/jobs`, { headers: { authorization: `Bearer guess-${i}` } });
      if (res.status === 429) limited = res;
      else assert.equal(res.status, 401);
    }
    assert.ok(limited, "the 9th wrong key in a minute is refused outright");
    assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  });
});

describe("open mode (no API_KEYS) and secrets", () => {
  let env: TestEnv;
  let worker: Worker;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "" });
  });
  after(() => env.close());

  it("binds loopback by default, says so, and refuses another interface without ALLOW_OPEN_API", async () => {
    const open = await apiProcess(env, { HOST: undefined });
    try {
      assert.equal((await fetch(`${open.base}/v1/datasets`)).status, 200);
      assert.match(open.logs(), /listening on 127\.0\.0\.1 only/);
    } finally {
      open.proc.kill("SIGTERM");
      await open.exited;
    }
    const exposed = await apiProcess(env, { HOST: "0.0.0.0" });
    assert.equal(await exposed.exited, 1);
    assert.match(exposed.logs(), /without API_KEYS would open the API/);
  });

  it("never echoes a malformed API_KEYS entry (it may be a key)", async () => {
    const bad = await apiProcess(env, { API_KEYS: "alice:fine-key-0001,sk-live-THISISASECRET" });
    assert.equal(await bad.exited, 1);
    assert.match(bad.logs(), /API_KEYS: entry 2 is not tenant:key/);
    assert.doesNotMatch(bad.logs(), /THISISASECRET/);
  });

  it("starts training processes without the API keys or other secrets in their environment", async () => {
    worker = await env.startWorker({ API_KEYS: "alice:worker-side-key-77", METRICS_TOKEN: "metrics-token-0123456789", STRIPE_SECRET: "shh-42" });
    const iris = await upload(env, "iris.csv");
    const job = await createJob(env, {
      datasetId: iris.id,
      target: "target",
      model: { type: "sequential", layers: [{ type: "dense", units: 8 }] },
      training: { epochs: 400, batchSize: 4 },
    });
    await waitForJob(env, job.id, (j) => j.status === "running" && j.progress.epoch >= 1, 60_000);
    let pid: number | undefined;
    for (let i = 0; i < 50 && !pid; i++, await sleep(100)) {
      const line = worker
        .output()
        .split("\n")
        .find((l) => l.includes('"training started"'));
      if (line) pid = JSON.parse(line).pid;
    }
    assert.ok(pid, worker.output());
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    assert.ok(
      environ.some((e) => e.startsWith("DATABASE_URL=")),
      "it still has what it needs",
    );
    for (const name of ["API_KEYS", "METRICS_TOKEN", "STRIPE_SECRET"]) assert.ok(!environ.some((e) => e.startsWith(`${name}=`)), `${name} leaked`);
    await env.api().post(`/v1/jobs/${job.id}/cancel`);
  });

  it("shows the tenant a reference for an unexpected training error, and keeps the detail in the log", async () => {
    // The worker of the test before (this suite's only one).
    // Several batches of typed columns (65,536 rows each): the API samples rows from the first only.
    const rows = "a,b\n" + Array.from({ length: 250_000 }, (_, i) => `${i % 97},${i % 2}`).join("\n") + "\n";
    const res = await env.api().post("/v1/datasets?name=long").set("content-type", "text/csv").send(rows);
    assert.equal(res.status, 201, res.text);
    // The stored typed columns damaged past the rows the API samples, behind the service's back
    // (an operator's fault, not a user's input): the worker's reader fails with an error the
    // training code does not know.
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: env.env.DATABASE_URL!.replace(/\?schema=.*/, "") });
    await client.connect();
    const schema = /schema=([^&]+)/.exec(env.env.DATABASE_URL!)![1]!;
    const damaged = await client.query(`UPDATE "${schema}"."DatasetColumn" SET "data" = $1 WHERE "datasetId" = $2 AND "batch" = 1`, [
      Buffer.from("not an arrow stream"),
      res.body.id,
    ]);
    assert.equal(damaged.rowCount, 2, "both columns' second batch");
    await client.end();
    const job = await createJob(env, { datasetId: res.body.id, target: "b", model: { type: "sequential", layers: [] } });
    const done = await waitForJob(env, job.id, (j) => j.status === "failed", 60_000);
    const match = /^internal error during training \(reference ([0-9a-f-]{36})\)$/.exec(done.error.message);
    assert.ok(match, done.error.message);
    assert.doesNotMatch(done.error.message, /piece|arrow/i);
    for (let i = 0; i < 20 && !worker.output().includes(match[1]!); i++) await sleep(100);
    const line = worker
      .output()
      .split("\n")
      .find((l) => l.includes(match[1]!));
    assert.ok(line, "the reference is in the worker's log");
    assert.match(JSON.parse(line!).error, /column piece/i, "with the real cause");
  });

  it("refuses an over-long multipart file name and a Keras JSON nested to overflow the stack, with 400s", async () => {
    const long = await env
      .api()
      .post("/v1/datasets")
      .attach("file", Buffer.from("a,b\n1,2\n3,4\n"), "x".repeat(300) + ".csv");
    assert.equal(long.status, 400, long.text);
    assert.equal(long.body.errors[0].path, "file.filename");
    assert.ok(!(await env.api().get("/v1/datasets")).body.items.some((d: any) => d.name.startsWith("xxx")));
    // Written as text: no JSON library on either side has to recurse through it.
    const deep = '{"a":'.repeat(20_000) + '{"class_name": "Dense", "config": {}}' + "}".repeat(20_000);
    const topology = `{"class_name": "Sequential", "config": {"layers": [${deep}]}}`;
    for (const url of ["/v1/models/validate", "/v1/jobs"]) {
      const body = `{"datasetId": "00000000-0000-4000-8000-000000000000", "target": "t", "model": {"type": "keras", "modelTopology": ${topology}}}`;
      const res = await env.api().post(url).set("content-type", "application/json").send(body);
      assert.equal(res.status, 400, `${url}: ${res.text.slice(0, 300)}`);
      assert.equal(res.body.errors?.[0]?.path, "model.modelTopology");
    }
    const asString = await env
      .api()
      .post("/v1/models/validate")
      .send({ inputWidth: 4, model: { type: "keras", modelTopology: topology } });
    assert.equal(asString.status, 400, asString.text.slice(0, 300));
  });
});
