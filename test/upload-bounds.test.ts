import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { apiProcess, createTestEnv, LOOP_BUDGET_MS, loopDelayMs, type ApiProcess, type TestEnv } from "./harness.js";

/** Peak resident memory of a process so far (VmHWM), in bytes. */
const peakRss = (pid: number) => 1024 * Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);

/** A CSV of `columns` x `rows` where every cell is a string no other cell has, generated as it is sent. */
function wideDistinct(columns: number, rows: number): { body: Readable; bytes: () => number } {
  let sent = 0;
  function* lines() {
    yield Array.from({ length: columns }, (_, c) => `c${c}`).join(",") + "\n";
    for (let r = 0; r < rows; r++) yield Array.from({ length: columns }, (_, c) => `s${(r * columns + c).toString(36)}`).join(",") + "\n";
  }
  const body = Readable.from(
    (function* () {
      // ~64 KB at a time: a write per line made a 300,000-line body cost the sender 20 s.
      let batch: string[] = [];
      let size = 0;
      for (const line of lines()) {
        sent += line.length;
        batch.push(line);
        if ((size += line.length) < 65_536) continue;
        yield Buffer.from(batch.join(""));
        [batch, size] = [[], 0];
      }
      if (batch.length) yield Buffer.from(batch.join(""));
    })(),
  );
  return { body, bytes: () => sent };
}

/**
 * Issue 19: a 1,000-column upload of distinct strings (within every limit) grew the API by 800 MB
 * and stalled its loop 5.7 s. Against a real API process: its peak RSS and its own worst loop delay.
 */
describe("wide uploads: the profiler's memory is bounded per upload", () => {
  let env: TestEnv;
  let api: ApiProcess;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "" });
    api = await apiProcess(env);
  });
  after(async () => {
    api.proc.kill("SIGTERM");
    await api.exited;
    await env.close();
  });

  /** Streams a CSV upload to the API process; its answer and the worst loop delay the API saw meanwhile. */
  const uploadWatched = async (body: Readable, name: string) => {
    await loopDelayMs(api.base); // resets the API's worst delay
    const res = await fetch(`${api.base}/v1/datasets?name=${name}`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: body as never,
      duplex: "half",
    } as RequestInit);
    const worst = await loopDelayMs(api.base);
    return { status: res.status, body: await res.json(), worst };
  };

  it("profiles 1,000 columns x 5,000 rows of distinct strings within 300 MB of RSS and no stall over 200 ms", async () => {
    // A first, small upload of the same shape: the process's first-use costs (module loads, JIT) are not the attack's.
    const warm = await fetch(`${api.base}/v1/datasets?name=warm`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: wideDistinct(1000, 20).body as never,
      duplex: "half",
    } as RequestInit);
    assert.equal(warm.status, 201);
    const baseline = peakRss(api.proc.pid!);
    const csv = wideDistinct(1000, 5000);
    const { status, body, worst } = await uploadWatched(csv.body, "wide");
    assert.equal(status, 201, JSON.stringify(body));
    const grew = peakRss(api.proc.pid!) - baseline;
    assert.ok(grew < 300 * 2 ** 20, `the API's peak RSS grew ${(grew / 2 ** 20).toFixed(0)} MB for a ${(csv.bytes() / 2 ** 20).toFixed(1)} MB upload`);
    assert.ok(worst < LOOP_BUDGET_MS, `the API's event loop was held up to ${worst.toFixed(0)} ms during the upload`);
    assert.equal(body.rows, 5000);
    assert.equal(body.columns.length, 1000);
    for (const c of [body.columns[0], body.columns[999]]) {
      assert.equal(c.type, "text", "over 100 distinct values: text");
      assert.ok(c.distinct > 100 && c.distinctCapped, `distinct ${c.distinct} is a lower bound`);
    }
  });

  it("stores a long, narrow table of distinct strings as typed columns without a stall over 200 ms", async () => {
    // 2 columns x 300,000 rows: as one batch of typed pieces, each column a 300,000-string dictionary (~250 ms to build).
    const { status, body, worst } = await uploadWatched(wideDistinct(2, 300_000).body, "narrow");
    assert.equal(status, 201, JSON.stringify(body));
    assert.equal(body.rows, 300_000);
    assert.ok(worst < LOOP_BUDGET_MS, `the API's event loop was held up to ${worst.toFixed(0)} ms during the upload`);
  });
});
