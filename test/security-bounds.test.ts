import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestEnv, type TestEnv } from "./harness.js";

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

  it("refuses a CSV header of 15M columns at MAX_LINE_BYTES, before a record of it exists", async () => {
    const header = Buffer.alloc(15_000_000 * 2, "a,");
    const res = await send(Buffer.concat([header, Buffer.from("a\n1\n")]));
    assert.equal(res.status, 413);
    assert.match(res.body.detail, /line 1: longer than the limit of 1048576 bytes \(MAX_LINE_BYTES\)/);
    // A long quoted field is bounded the same way, even though it spans lines.
    const quoted = await send(`a,b\n"${"y\n".repeat(700_000)}",1\n`);
    assert.equal(quoted.status, 413, quoted.text.slice(0, 300));
    assert.match(quoted.body.detail, /a field longer than the limit of 1048576 bytes \(MAX_LINE_BYTES\)/);
    assert.equal((await env.api().get("/v1/datasets")).body.items.length, 0);
  });
});
