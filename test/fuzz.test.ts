import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mulberry32 } from "../src/training/engine/rng.js";
import { createTestEnv, upload, type TestEnv } from "./harness.js";

/**
 * Throws generated malformed job specs and CSV files at the API: never a 5xx, never a hung
 * request, and the process's memory stays bounded. Seeded, so a failure replays.
 */
const CASES = Number(process.env.FUZZ_CASES ?? 1500);

describe("fuzz: malformed specs and files", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    env = await createTestEnv({ MAX_UPLOAD_BYTES: "65536" });
    iris = await upload(env, "iris.csv");
  });
  after(() => env.close());

  it(`answers ${CASES} malformed requests with 4xx (or 2xx), never 5xx, in bounded memory`, async () => {
    const r = mulberry32(20261127);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
    const junk = (): unknown =>
      pick<() => unknown>([
        () => null,
        () => -1,
        () => 0,
        () => 1e308,
        () => -1e-9,
        () => NaN,
        () => "x".repeat(Math.floor(r() * 300)),
        () => true,
        () => [],
        () => [junk()],
        () => ({}),
        () => ({ type: pick(["dense", "conv2d", "", "__proto__"]) }),
        () => "\u0000\ud800",
        () => ({ constructor: { prototype: { polluted: 1 } } }),
      ])();
    const valid = () => ({
      datasetId: iris.id,
      target: "target",
      model: { type: "sequential", layers: [{ type: "dense", units: 4, activation: "relu" }] },
      training: { epochs: 1 },
    });
    const mutate = (o: any, depth = 0): any => {
      if (o === null || typeof o !== "object" || depth > 3) return r() < 0.5 ? junk() : o;
      const copy: any = Array.isArray(o) ? [...o] : { ...o };
      const keys = Object.keys(copy);
      const key = keys.length && r() < 0.8 ? pick(keys) : pick(["extra", "layers", "type", "units", "epochs", "__proto__"]);
      copy[key] = r() < 0.5 ? mutate(copy[key], depth + 1) : junk();
      if (r() < 0.2) delete copy[pick(keys.length ? keys : ["x"])];
      return copy;
    };
    const csv = (): Buffer => {
      const kind = Math.floor(r() * 5);
      if (kind === 0) return Buffer.from(Array.from({ length: Math.floor(r() * 500) }, () => Math.floor(r() * 256)));
      if (kind === 4) {
        // Well-formed but odd: quoted delimiters, empty and huge numbers, non-ASCII.
        const cell = () => pick(["1", "-0", "1e999", "", '"a,b"', '"say ""hi"""', "é", "NA", "true"]);
        return Buffer.from(["a,b,c", ...Array.from({ length: 1 + Math.floor(r() * 30) }, () => [cell(), cell(), cell()].join(","))].join("\n"));
      }
      const rows = Array.from({ length: 1 + Math.floor(r() * 30) }, () =>
        Array.from({ length: 1 + Math.floor(r() * 5) }, () => pick(["1", "a", '"q', '""', "", "x,y", "\n", "é", "1e999"])).join(pick([",", ";", "\t"])),
      );
      if (kind === 1) rows.unshift("a,b,a");
      if (kind === 2) rows.unshift("");
      return Buffer.from(rows.join(pick(["\n", "\r\n", "\r"])));
    };
    // The first network the API describes loads the compute library (libtensorflow maps ~400 MB):
    // once per process, not per request, so it happens before the baseline.
    const { training: _, ...spec } = valid();
    const warm = await env.api().post("/v1/models/validate").send(spec);
    assert.equal(warm.status, 200, warm.text);
    const rssBefore = process.memoryUsage().rss;
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let done = 0;
    const one = async (i: number) => {
      const useCsv = i % 3 === 0;
      const req = useCsv
        ? env
            .api()
            .post("/v1/datasets?name=fuzz")
            .set("content-type", pick(["text/csv", "application/x-ndjson", "text/plain"]))
            .send(csv())
        : r() < 0.1
          ? env
              .api()
              .post("/v1/jobs")
              .set("content-type", "application/json")
              .send(JSON.stringify(mutate(valid())).slice(0, Math.floor(r() * 400)))
          : env
              .api()
              .post(pick(["/v1/jobs", "/v1/models/validate"]))
              .send(mutate(mutate(valid())));
      const res = await req.timeout(20_000);
      if (res.status >= 500) failures.push(`${res.status} ${res.text.slice(0, 200)}`);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      done++;
    };
    for (let i = 0; i < CASES; i += 10) await Promise.all(Array.from({ length: Math.min(10, CASES - i) }, (_, k) => one(i + k)));
    assert.equal(done, CASES);
    // The generator reaches past schema validation: some uploads and jobs are accepted.
    assert.ok((statuses.get(201) ?? 0) > 0 && (statuses.get(202) ?? 0) > 0, JSON.stringify([...statuses]));
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} requests got a 5xx`);
    const grownMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    assert.ok(grownMb < 300, `RSS grew ${grownMb.toFixed(0)} MB`);
    assert.equal(({} as any).polluted, undefined, "no prototype was polluted");
  });
});
