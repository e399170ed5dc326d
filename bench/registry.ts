/**
 * What an app pays for following an alias instead of a model id. A real API process and a real
 * worker train an iris MLP through the API; it is registered as v1 of a name with `production`
 * pointing at it. autocannon (20 connections) then loads, in the same run:
 *   - the model's own URLs (GET /v1/models/:id/model.json, weights.bin, POST predict): the baseline;
 *   - the same files through the alias and through the version URL (each resolves the name first);
 *   - the alias URL revalidated with its ETag (304, what a polling app sends);
 * and times alias moves one after another (each a transaction holding the name's row lock, with
 * its audit row). Run alone: `node --import tsx bench/registry.ts`.
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { dropSchema } from "../test/harness.js";
import { benchService, start, up } from "./polling.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SECONDS = Number(process.env.BENCH_REGISTRY_SECONDS ?? 5);
const CONNECTIONS = 20;
const MOVES = 200;

async function load(url: string, opts: { headers?: Record<string, string>; method?: "GET" | "POST"; body?: string } = {}) {
  const o = { url, connections: CONNECTIONS, headers: opts.headers ?? {}, method: opts.method ?? "GET", body: opts.body };
  await autocannon({ ...o, duration: 1 }); // warm-up: the loaded model, the built files
  const r = await autocannon({ ...o, duration: SECONDS });
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    errors: r.errors + r.non2xx - r["3xx"],
    "3xx": r["3xx"],
  };
}

async function json(res: Response): Promise<any> {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function benchRegistry() {
  const { schema, port, env } = await benchService();
  const api = start(["src/api/server.ts"], env);
  const worker = start(["src/workers/main.ts"], env);
  try {
    await up(port);
    const base = `http://127.0.0.1:${port}`;
    const post = (path: string, body: unknown, method = "POST") =>
      fetch(`${base}${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(json);
    const csv = readFileSync(`${ROOT}test/fixtures/iris.csv`);
    const ds = await json(await fetch(`${base}/v1/datasets?name=iris.csv`, { method: "POST", headers: { "content-type": "text/csv" }, body: csv }));
    const train = async () => {
      let job = await post("/v1/jobs", {
        datasetId: ds.id,
        target: "target",
        model: { type: "sequential", layers: [{ type: "dense", units: 16, activation: "relu" }] },
        training: { epochs: 20 },
      });
      while (!["succeeded", "failed"].includes(job.status)) {
        await sleep(200);
        job = await json(await fetch(`${base}/v1/jobs/${job.id}`));
      }
      if (job.status !== "succeeded") throw new Error(`job ${job.status}: ${JSON.stringify(job.error)}`);
      return job;
    };
    const [job, other] = [await train(), await train()];
    await post("/v1/registry", { name: "bench" });
    await post("/v1/registry/bench/versions", { modelId: job.modelId });
    await post("/v1/registry/bench/versions", { modelId: other.modelId });
    await post("/v1/registry/bench/aliases/production", { version: 1 }, "PUT");

    const model = `${base}/v1/models/${job.modelId}`;
    const alias = `${base}/v1/registry/bench/aliases/production`;
    const version = `${base}/v1/registry/bench/versions/1`;
    const etag = (await fetch(`${alias}/model.json`)).headers.get("etag")!;
    const rows = JSON.stringify({ rows: [{ sepal_length: 6.3, sepal_width: 2.9, petal_length: 5.6, petal_width: 1.8 }] });
    const predict = { method: "POST" as const, headers: { "content-type": "application/json" }, body: rows };
    const out = {
      workload: `${CONNECTIONS} connections x ${SECONDS} s on loopback; an iris MLP (Dense 16) trained through the API`,
      modelJson: { byModelId: await load(`${model}/model.json`), byAlias: await load(`${alias}/model.json`), byVersion: await load(`${version}/model.json`) },
      aliasNotModified: await load(`${alias}/model.json`, { headers: { "if-none-match": etag } }),
      weights: { byModelId: await load(`${model}/weights.bin`), byAlias: await load(`${alias}/weights.bin`) },
      predict: { byModelId: await load(`${model}/predict`, predict), byAlias: await load(`${alias}/predict`, predict) },
      aliasMoves: await (async () => {
        const started = performance.now();
        for (let i = 0; i < MOVES; i++) await post("/v1/registry/bench/aliases/staging", { version: 1 + (i % 2) }, "PUT");
        const audit = await json(await fetch(`${base}/v1/registry/bench/audit?limit=1`));
        return {
          moves: MOVES,
          msEach: Math.round(((performance.now() - started) / MOVES) * 100) / 100,
          lastAuditId: audit.items[0]?.id,
          note: "one client, one move after another between v1 and v2, each with its audit row",
        };
      })(),
    };
    return out;
  } finally {
    api.kill();
    worker.kill();
    await dropSchema(schema).catch(() => undefined);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await benchRegistry(), null, 2));
