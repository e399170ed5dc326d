import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Cluster } from "ioredis";
import { createJob, createTestEnv, upload, waitForExperiment, waitForJob, type TestEnv } from "./harness.js";

const has = (cmd: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/**
 * A Redis Cluster of three masters made for this test (redis-server --cluster-enabled), given to
 * the API and a worker as REDIS_URL's comma-separated nodes. BullMQ's multi-key scripts (a job's
 * add, a flow's parent and children) only work there because every key carries the prefix's hash
 * tag: without it they fail with CROSSSLOT.
 */
describe("on a Redis Cluster", { skip: has("redis-server") && has("redis-cli") ? false : "needs redis-server and redis-cli" }, () => {
  const base = 17_000 + Math.floor(Math.random() * 3_000) * 3;
  const ports = [base, base + 1, base + 2];
  const dir = mkdtempSync(`${tmpdir()}/treino-cluster-`);
  let env: TestEnv;
  before(async () => {
    for (const p of ports)
      execFileSync("redis-server", [
        ...["--port", String(p), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${p}.conf`],
        ...["--save", "", "--appendonly", "no", "--daemonize", "yes", "--dir", dir, "--logfile", `${dir}/${p}.log`],
      ]);
    // Each node answers PING before the cluster is made of them (a fixed wait failed on a busy machine).
    const pong = (p: number) => {
      try {
        return execFileSync("redis-cli", ["-p", String(p), "ping"])
          .toString()
          .includes("PONG");
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && !ports.every(pong); i++) await sleep(100);
    execFileSync("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"], { stdio: "ignore" });
    for (
      let i = 0;
      i < 50 &&
      !execFileSync("redis-cli", ["-p", String(base), "cluster", "info"])
        .toString()
        .includes("cluster_state:ok");
      i++
    )
      await sleep(100);
    env = await createTestEnv({ REDIS_URL: ports.map((p) => `redis://127.0.0.1:${p}`).join(",") });
    await env.startWorker();
  });
  after(async () => {
    await env?.close();
    for (const p of ports) execFileSync("redis-cli", ["-p", String(p), "shutdown", "nosave"], { stdio: "ignore" });
  });

  it("trains a job and runs an experiment's flow, its queue's keys in one hash slot", async () => {
    const iris = await upload(env, "iris.csv");
    const job = await waitForJob(env, (await createJob(env, { datasetId: iris.id, target: "target", model: { type: "logisticRegression" } })).id);
    assert.equal(job.status, "succeeded", JSON.stringify(job.error));
    const res = await env
      .api()
      .post("/v1/experiments")
      .send({ kind: "search", method: "grid", datasetId: iris.id, target: "target", space: { type: "svm", C: [1, 10] } });
    assert.equal(res.status, 202, res.text);
    const exp = await waitForExperiment(env, res.body.id);
    assert.equal(exp.status, "succeeded", JSON.stringify(exp));
    // The keys sit on the cluster under the tagged prefix: one slot for all of them.
    const cluster = new Cluster(ports.map((port) => ({ host: "127.0.0.1", port })));
    try {
      await new Promise((resolve) => cluster.once("ready", resolve));
      const keys = (await Promise.all(cluster.nodes("master").map((n) => n.keys(`{${env.env.QUEUE_PREFIX}}:*`)))).flat();
      assert.ok(keys.some((k) => k.includes(":train:")) && keys.some((k) => k.includes(":experiment:")), keys.slice(0, 5).join(", "));
      const slots = new Set(await Promise.all(keys.map((k) => cluster.cluster("KEYSLOT", k))));
      assert.equal(slots.size, 1, "every queue key hashes to the prefix's slot");
    } finally {
      cluster.disconnect();
    }
  });
});
