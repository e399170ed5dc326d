import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createJob, createTestEnv, upload, type TestEnv } from "./harness.js";

interface Stream {
  status: number;
  events: Array<{ id?: string; event: string; data: any }>;
  ended: Promise<void>;
  close(): void;
}

/** An SSE client over node:http that keeps every event and can hang up. */
async function open(base: string, path: string, headers: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers }, (res: IncomingMessage) => {
      const events: Stream["events"] = [];
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields = Object.fromEntries(
            block
              .split("\n")
              .filter((l) => /^(id|event|data):/.test(l))
              .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
          );
          if (fields.event) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data ?? "null") });
        }
      });
      const ended = new Promise<void>((r) => res.once("end", r).once("close", r));
      resolve({ status: res.statusCode!, events, ended, close: () => req.destroy() });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("job event streams: capped, bounded in time, fanned out from Postgres notifications", () => {
  let env: TestEnv;
  let base: string;
  let iris: any;
  const A = { authorization: "Bearer key-a" };
  const B = { authorization: "Bearer key-b" };
  before(async () => {
    env = await createTestEnv({
      API_KEYS: "alice:key-a,bob:key-b",
      MAX_STREAMS_PER_TENANT: "3",
      STREAM_MAX_SECONDS: "2",
      METRICS_TOKEN: "metrics-token-0123456789",
    });
    await env.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}`;
    iris = await upload(env, "iris.csv", "key-a");
  });
  after(() => env.close());
  const reads = async () =>
    Number(
      /^treino_event_stream_reads_total (\d+)$/m.exec(
        await (await fetch(`${base}/metrics`, { headers: { authorization: "Bearer metrics-token-0123456789" } })).text(),
      )![1],
    );

  it("caps open streams per tenant (429), does not poll while a job waits, and ends each stream in time", async () => {
    const queued = await createJob(env, { datasetId: iris.id, target: "target", model: { type: "sequential", layers: [] } }, "key-a");
    const first = await reads();
    const streams = await Promise.all([1, 2, 3].map(() => open(base, `/v1/jobs/${queued.id}/events`, A)));
    assert.deepEqual(
      streams.map((s) => s.status),
      [200, 200, 200],
    );
    const fourth = await open(base, `/v1/jobs/${queued.id}/events`, A);
    assert.equal(fourth.status, 429);
    fourth.close();
    const bobs = await open(base, `/v1/jobs/${queued.id}/events`, B);
    assert.equal(bobs.status, 404, "another tenant cannot watch alice's job, and has its own slots");
    await sleep(1000);
    // Three streams, one read each at start; a poller would have made ~12 by now.
    assert.ok((await reads()) - first <= 3, `reads ${(await reads()) - first}`);
    await Promise.all(streams.map((s) => s.ended)); // STREAM_MAX_SECONDS
    for (const s of streams) {
      assert.deepEqual(
        s.events.map((e) => e.event),
        ["status", "reconnect"],
      );
      assert.equal(s.events[0]!.data.status, "queued");
    }
    const again = await open(base, `/v1/jobs/${queued.id}/events`, A); // the slots were given back
    assert.equal(again.status, 200);
    again.close();
    await env.api().post(`/v1/jobs/${queued.id}/cancel`).set(A);
  });

  it("refuses a Last-Event-ID that is not a small whole number, and another tenant's job, before streaming", async () => {
    const job = await createJob(env, { datasetId: iris.id, target: "target", model: { type: "sequential", layers: [] } }, "key-a");
    for (const id of ["99999999999999999999", "-1", "1e9", "abc"]) {
      const s = await open(base, `/v1/jobs/${job.id}/events`, { ...A, "last-event-id": id });
      assert.equal(s.status, 400, id);
      s.close();
    }
    const other = await open(base, `/v1/jobs/${job.id}/events`, B);
    assert.equal(other.status, 404);
    other.close();
    await env.api().post(`/v1/jobs/${job.id}/cancel`).set(A);
  });

  it("delivers every epoch once across reconnects with Last-Event-ID, then done", async () => {
    await env.startWorker();
    const job = await createJob(
      env,
      { datasetId: iris.id, target: "target", model: { type: "sequential", layers: [{ type: "dense", units: 16 }] }, training: { epochs: 60, batchSize: 4 } },
      "key-a",
    );
    const epochs: number[] = [];
    let last = "0";
    let done: any;
    for (let round = 0; round < 60 && !done; round++) {
      const s = await open(base, `/v1/jobs/${job.id}/events`, { ...A, "last-event-id": last });
      await s.ended;
      for (const e of s.events) {
        if (e.event === "epoch") epochs.push(e.data.epoch);
        if (e.event === "done") done = e.data;
        if (e.id) last = e.id;
      }
    }
    assert.ok(done, "the job ended within the reconnects");
    assert.equal(done.status, "succeeded");
    assert.deepEqual(
      epochs,
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
  });
});
