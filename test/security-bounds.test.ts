import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { ingest } from "../src/datasets/ingest.js";
import { createJob, createTestEnv, waitForJob, type TestEnv } from "./harness.js";

/** Uploads that used to cost minutes and gigabytes before their answer: each is refused early now. */
describe("uploads bounded before the work is done", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "", MAX_CELLS: "10000000" });
  });
  after(() => env.close());
  const send = (body: Buffer | string, type = "text/csv") => env.api().post("/v1/datasets?name=attack").set("content-type", type).send(body);

  it("refuses sparse JSON Lines whose late keys would make rows x columns explode (MAX_CELLS), leaving nothing", async () => {
    const keys = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
    const body = "{}\n".repeat(200_000) + JSON.stringify(keys) + "\n";
    const res = await send(body, "application/x-ndjson");
    assert.equal(res.status, 413, res.text);
    assert.match(res.body.detail, /200001 rows x \d+ columns is more than the limit of 10000000 cells \(MAX_CELLS\)/);
    assert.equal((await env.api().get("/v1/datasets")).body.items.length, 0);
  });

  it("still accepts sparse JSON Lines within the limits, counting absent keys as missing", async () => {
    const body = '{"a": 1}\n'.repeat(500) + '{"a": 2, "b": "x"}\n' + '{"a": 3, "b": "y"}\n';
    const res = await send(body, "application/x-ndjson");
    assert.equal(res.status, 201, res.text);
    const b = res.body.columns.find((c: any) => c.name === "b");
    assert.equal(b.missing, 500);
    assert.equal(res.body.rows, 502);
    await env.api().delete(`/v1/datasets/${res.body.id}`);
  });

  it("refuses one 30 MB JSON line at MAX_LINE_BYTES instead of re-splitting it per chunk", async () => {
    const big = `{"a": "${"x".repeat(30 * 1024 * 1024)}", "b": 1}\n`;
    const res = await send(big, "application/x-ndjson");
    assert.equal(res.status, 413, res.text.slice(0, 200));
    assert.match(res.body.detail, /line 1: longer than the limit of 1048576 bytes \(MAX_LINE_BYTES\)/);
  });

  /**
   * POSTs a body over plain HTTP and resolves with the answer even when the API answers before the
   * body is all sent and closes (the client's write then fails with EPIPE: what a refused upload
   * should cost, and what supertest reports as an error instead of the answer).
   */
  async function sendEarly(body: Buffer): Promise<{ status: number; body: any }> {
    if (!env.app.server.listening) await env.app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = env.app.server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = request({ host: "127.0.0.1", port, method: "POST", path: "/v1/datasets?name=attack", headers: { "content-type": "text/csv" } }, (res) => {
        answered = true;
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on("error", (err) => {
        if (!answered) reject(err);
      });
      req.end(body);
    });
  }

  it("refuses a CSV header of 15M columns at MAX_LINE_BYTES, before a record of it exists", async () => {
    const header = Buffer.alloc(15_000_000 * 2, "a,");
    const res = await sendEarly(Buffer.concat([header, Buffer.from("a\n1\n")]));
    assert.equal(res.status, 413);
    assert.match(res.body.detail, /line 1: longer than the limit of 1048576 bytes \(MAX_LINE_BYTES\)/);
    // A long quoted field is bounded the same way, even though it spans lines.
    const quoted = await send(`a,b\n"${"y\n".repeat(700_000)}",1\n`);
    assert.equal(quoted.status, 413, quoted.text.slice(0, 300));
    assert.match(quoted.body.detail, /a field longer than the limit of 1048576 bytes \(MAX_LINE_BYTES\)/);
    assert.equal((await env.api().get("/v1/datasets")).body.items.length, 0);
  });
});

const QUOTA = 12_000;

/** What uploading `text` stores, the file and its typed columns, counted by the API's own ingest. */
async function stores(text: string): Promise<number> {
  const limits = { maxBytes: 1e9, maxRows: 1e7, maxColumns: 100, maxCells: 1e9, maxLineBytes: 1e6 };
  const r = await ingest(Readable.from([Buffer.from(text)]), { format: "csv", limits, onChunk: async () => {}, onColumns: async () => {} });
  return r.sizeBytes + r.columnBytes;
}

/** One row with a `length`-character text field; `pad` spaces before the first number grow the file, not its columns. */
const filler = (length: number, pad: number) => `a,b,c\n${" ".repeat(pad)}1,2,${"x".repeat(length)}\n`;

/** A file that stores exactly `bytes` (Arrow pads the text's bytes to 8: the spaces fill the gaps). */
async function exactly(bytes: number): Promise<string> {
  let [lo, hi] = [0, bytes];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((await stores(filler(mid, 0))) <= bytes) lo = mid;
    else hi = mid - 1;
  }
  for (let length = lo; length >= Math.max(0, lo - 16); length--)
    for (let pad = 0; pad < 24; pad++) if ((await stores(filler(length, pad))) === bytes) return filler(length, pad);
  throw new Error(`no filler stores exactly ${bytes} bytes`);
}

describe("storage quota per tenant", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "alice:key-a,bob:key-b", MAX_STORAGE_BYTES_PER_TENANT: String(QUOTA) });
    await env.startWorker();
  });
  after(() => env.close());
  const send = (key: string, body: string) =>
    env.api().post("/v1/datasets?name=q").set("authorization", `Bearer ${key}`).set("content-type", "text/csv").send(body);
  const rows = (n: number) => "a,b,c\n" + Array.from({ length: n }, (_, i) => `${i},${i % 7},x${i % 3}`).join("\n") + "\n";

  it("refuses an upload past MAX_STORAGE_BYTES_PER_TENANT naming the quota, then anything new, per tenant", async () => {
    const first = await send("key-a", rows(600)); // 5.3 KB, and ~3 KB of typed columns
    assert.equal(first.status, 201, first.text);
    const over = await send("key-a", rows(700)); // 6.2 KB more
    assert.equal(over.status, 413);
    const room = QUOTA - (await stores(rows(600)));
    assert.match(over.body.detail, new RegExp(`larger than the limit of ${room} bytes \\(what is left of MAX_STORAGE_BYTES_PER_TENANT, ${QUOTA} bytes\\)`));
    // A trained model's weights count too, on every path that stores one: a model larger than
    // what is left fails with quota_exceeded and stores nothing; a smaller one is stored.
    const dense = (units: number) => ({
      datasetId: first.body.id,
      target: "b",
      model: { type: "sequential", layers: [{ type: "dense", units }] },
      training: { epochs: 1 },
    });
    const big = await waitForJob(env, (await createJob(env, dense(128), "key-a")).id, undefined, 60_000, "key-a");
    assert.equal(big.status, "failed");
    assert.equal(big.error.code, "quota_exceeded");
    assert.equal(big.modelId, null);
    assert.equal((await waitForJob(env, (await createJob(env, dense(16), "key-a")).id, undefined, 60_000, "key-a")).status, "succeeded");
    // What is left (the 413 says): a file that size alone fits, but its typed columns are stored too.
    const left = Number(/limit of (\d+) bytes/.exec((await send("key-a", rows(700))).body.detail)![1]);
    const alone = await send("key-a", filler(left - 12, 0));
    assert.equal(alone.status, 413, alone.text);
    assert.match(
      alone.body.detail,
      new RegExp(
        `the file \\(\\d+ bytes so far\\) and its typed columns \\(\\d+ bytes\\) are more than what is left of MAX_STORAGE_BYTES_PER_TENANT \\(${QUOTA} bytes\\), ${left} bytes`,
      ),
    );
    // Fill what is left to the byte, the file and its columns together.
    const fill = await send("key-a", await exactly(left));
    assert.equal(fill.status, 201, fill.text);
    const full = await send("key-a", rows(10));
    assert.equal(full.status, 403);
    assert.equal(full.body.code, "quota_exceeded");
    assert.match(full.body.detail, new RegExp(`stores ${QUOTA} bytes, its quota is ${QUOTA} bytes \\(MAX_STORAGE_BYTES_PER_TENANT\\)`));
    const job = await env
      .api()
      .post("/v1/jobs")
      .set("authorization", "Bearer key-a")
      .send({ datasetId: first.body.id, target: "b", model: { type: "sequential", layers: [] } });
    assert.equal(job.status, 403, job.text);
    assert.equal(job.body.code, "quota_exceeded");
    const experiment = await env
      .api()
      .post("/v1/experiments")
      .set("authorization", "Bearer key-a")
      .send({
        kind: "compare",
        datasetId: first.body.id,
        target: "b",
        candidates: [
          { name: "floor", model: { type: "majority" } },
          { name: "tree", model: { type: "decisionTree" } },
        ],
      });
    assert.equal(experiment.status, 403, experiment.text);
    assert.equal(experiment.body.code, "quota_exceeded");
    assert.equal((await send("key-b", rows(600))).status, 201, "another tenant's quota is its own");
  });
});
