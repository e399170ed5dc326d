import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestEnv, fixture, upload, type TestEnv } from "./harness.js";

describe("datasets", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ MAX_UPLOAD_BYTES: "200000", API_KEYS: "alice:key-a,bob:key-b" });
  });
  after(() => env.close());

  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  it("profiles a multipart upload of the Titanic: types, missing counts, distinct counts", async () => {
    const res = await env.api().post("/v1/datasets").set(as("key-a")).field("name", "titanic").attach("file", fixture("titanic.csv"), "titanic.csv");
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.location, `/v1/datasets/${res.body.id}`);
    const d = res.body;
    assert.equal(d.name, "titanic");
    assert.equal(d.rows, 1309);
    assert.equal(d.sizeBytes, fixture("titanic.csv").length);
    assert.match(d.sha256, /^[0-9a-f]{64}$/);
    const col = (n: string) => d.columns.find((c: any) => c.name === n);
    assert.equal(col("age").type, "numeric");
    assert.equal(col("age").missing, 263);
    assert.ok(Math.abs(col("age").mean - 29.88) < 0.01);
    assert.equal(col("sex").type, "categorical");
    assert.equal(col("sex").distinct, 2);
    assert.equal(col("name").type, "text");
    assert.equal(col("survived").type, "numeric");
    assert.equal(col("embarked").missing, 2);
  });

  it("accepts a raw text/csv body with ?name=", async () => {
    const d = await upload(env, "iris.csv", "key-a");
    assert.equal(d.rows, 150);
    assert.deepEqual(
      d.columns.map((c: any) => c.type),
      ["numeric", "numeric", "numeric", "numeric", "numeric"],
    );
  });

  const bad: Array<[string, string, RegExp]> = [
    ["ragged row", "a,b,c\n1,2,3\n4,5\n", /line 3.*ragged/],
    ["empty file", "", /empty/],
    ["header only", "a,b\n", /no data rows/],
    ["duplicate column names", "a,b,a\n1,2,3\n", /duplicate column name "a"/],
    ["unclosed quote", 'a,b\n1,"2\n3,4\n', /line \d+: .*quote/i],
  ];
  for (const [what, body, detail] of bad) {
    it(`refuses a CSV with ${what} with a 400 naming the problem, and stores nothing`, async () => {
      const before = (await env.api().get("/v1/datasets?limit=100").set(as("key-b"))).body.items.length;
      const res = await env.api().post("/v1/datasets?name=bad").set(as("key-b")).set("content-type", "text/csv").send(body);
      assert.equal(res.status, 400, res.text);
      assert.match(String(res.headers["content-type"]), /application\/problem\+json/);
      assert.equal(res.body.code, "malformed_csv");
      assert.match(res.body.detail, detail);
      const after = (await env.api().get("/v1/datasets?limit=100").set(as("key-b"))).body.items.length;
      assert.equal(after, before);
    });
  }

  it("answers 413 for a file over MAX_UPLOAD_BYTES, by multipart and by raw body", async () => {
    const big = Buffer.from("a,b\n" + "1,2\n".repeat(60_000));
    const raw = await env.api().post("/v1/datasets").set(as("key-b")).set("content-type", "text/csv").send(big);
    assert.equal(raw.status, 413, raw.text);
    const multi = await env.api().post("/v1/datasets").set(as("key-b")).attach("file", big, "big.csv");
    assert.equal(multi.status, 413, multi.text);
    assert.equal((await env.api().get("/v1/datasets").set(as("key-b"))).body.items.length, 0);
  });

  it("keeps tenants apart: another tenant's dataset is 404 and absent from its list", async () => {
    const d = await upload(env, "iris.csv", "key-a");
    assert.equal((await env.api().get(`/v1/datasets/${d.id}`).set(as("key-a"))).status, 200);
    const other = await env.api().get(`/v1/datasets/${d.id}`).set(as("key-b"));
    assert.equal(other.status, 404);
    assert.equal(other.body.code, "not_found");
    assert.equal((await env.api().delete(`/v1/datasets/${d.id}`).set(as("key-b"))).status, 404);
    // The original file too: another tenant's download is a 404 that does not hint at its size.
    const download = await env.api().get(`/v1/datasets/${d.id}/download`).set(as("key-b"));
    assert.equal(download.status, 404);
    assert.equal(download.headers.etag, undefined);
    assert.equal((await env.api().get(`/v1/datasets/${d.id}/download`).set(as("key-a"))).text, fixture("iris.csv").toString());
    const ids = (await env.api().get("/v1/datasets?limit=100").set(as("key-b"))).body.items.map((x: any) => x.id);
    assert.ok(!ids.includes(d.id));
  });

  it("needs a valid API key when keys are configured", async () => {
    const none = await env.api().get("/v1/datasets");
    assert.equal(none.status, 401);
    assert.equal(none.body.code, "unauthorized");
    assert.equal((await env.api().get("/v1/datasets").set(as("nope"))).status, 401);
  });

  it("pages lists with limit and nextCursor", async () => {
    for (let i = 0; i < 3; i++) await upload(env, "wine.csv", "key-b");
    const first = await env.api().get("/v1/datasets?limit=2").set(as("key-b"));
    assert.equal(first.body.items.length, 2);
    assert.ok(first.body.nextCursor);
    const second = await env.api().get(`/v1/datasets?limit=2&cursor=${first.body.nextCursor}`).set(as("key-b"));
    assert.equal(second.body.items.length, 1);
    assert.equal(second.body.nextCursor, null);
    const all = [...first.body.items, ...second.body.items].map((x: any) => x.id);
    assert.equal(new Set(all).size, 3);
    assert.equal((await env.api().get("/v1/datasets?limit=500").set(as("key-b"))).status, 400);
  });

  it("replays an upload with the same Idempotency-Key instead of storing it twice", async () => {
    const send = () =>
      env.api().post("/v1/datasets?name=iris").set(as("key-a")).set("idempotency-key", "k1").set("content-type", "text/csv").send(fixture("iris.csv"));
    const a = await send();
    const b = await send();
    assert.equal(a.status, 201);
    assert.equal(b.body.id, a.body.id);
    const other = await env
      .api()
      .post("/v1/datasets?name=wine")
      .set(as("key-a"))
      .set("idempotency-key", "k1")
      .set("content-type", "text/csv")
      .send(fixture("wine.csv"));
    assert.equal(other.status, 409);
  });

  it("refuses invalid UTF-8 with a 400 naming the line", async () => {
    const body = Buffer.concat([Buffer.from("name,age\nAnna,3\nJos"), Buffer.from([0xe9]), Buffer.from(",4\n")]);
    const res = await env.api().post("/v1/datasets").set(as("key-b")).set("content-type", "text/csv").send(body);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.code, "invalid_encoding");
    assert.match(res.body.detail, /^line 3: invalid UTF-8/);
  });

  it("takes JSON Lines by multipart (.jsonl) and semicolon CSV, sniffing the delimiter", async () => {
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ x: i / 2, label: i % 2 ? "odd" : "even", extra: i > 20 ? "late" : null }));
    const jsonl = await env
      .api()
      .post("/v1/datasets")
      .set(as("key-a"))
      .attach("file", Buffer.from(lines.join("\n")), "rows.jsonl");
    assert.equal(jsonl.status, 201, jsonl.text);
    assert.equal(jsonl.body.format, "jsonl");
    assert.deepEqual(
      jsonl.body.columns.map((c: any) => [c.name, c.type, c.missing]),
      [
        ["x", "numeric", 0],
        ["label", "categorical", 0],
        ["extra", "categorical", 21],
      ],
    );
    const semi = await env.api().post("/v1/datasets?name=semi").set(as("key-a")).set("content-type", "text/csv").send("a;b\n1,5;x\n2,5;y\n");
    assert.equal(semi.status, 201, semi.text);
    assert.equal(semi.body.delimiter, ";");
    assert.deepEqual(
      semi.body.columns.map((c: any) => c.name),
      ["a", "b"],
    );
  });

  it("stores a file larger than one storage piece and reads it back whole", async () => {
    const row = "1.5,abc,7\n";
    const text = "x,y,z\n" + row.repeat(1_000_000); // ~10 MB: ten pieces
    const big = await createTestEnv({ MAX_UPLOAD_BYTES: String(20 * 1024 * 1024) });
    try {
      const res = await big.api().post("/v1/datasets?name=big").set("content-type", "text/csv").send(text);
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.rows, 1_000_000);
      const services = (big.app as any).services;
      const table = await services.datasets.readTable(await services.datasets.find("default", res.body.id));
      assert.equal(table.rowCount, 1_000_000);
      assert.deepEqual(
        table.header.map((n: string) => table.column(n).get(999_999)),
        ["1.5", "abc", "7"],
      );
    } finally {
      await big.close();
    }
  });

  it("deletes a dataset", async () => {
    const d = await upload(env, "iris.csv", "key-a");
    assert.equal((await env.api().delete(`/v1/datasets/${d.id}`).set(as("key-a"))).status, 204);
    assert.equal((await env.api().get(`/v1/datasets/${d.id}`).set(as("key-a"))).status, 404);
  });
});
