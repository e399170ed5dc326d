import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { BASE_URL, freePort } from "./harness.js";
import { loadFromDisk } from "./load-model.js";
import { tf } from "../src/training/engine/tf.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

/** `npm start`'s entry, as a newcomer runs it; its own process group so everything it spawns stops with it. */
function start(env: Record<string, string>): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ["--import", "tsx", `${ROOT}src/start.ts`], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  return { proc, output: () => out, exited: new Promise((r) => proc.once("exit", r)) };
}

/** The README's quickstart, run as written (its port and the fixture's path adjusted) against `npm start` on a database that does not exist yet. */
describe("quickstart: npm start on a fresh database, then the README's curl lines", () => {
  const name = `treino_qs_${process.pid}`;
  const admin = new URL(BASE_URL);
  admin.pathname = "/postgres";
  let port = 0;
  let service: ReturnType<typeof start>;
  before(async () => {
    port = await freePort();
    const db = new URL(BASE_URL);
    db.pathname = `/${name}`;
    service = start({ DATABASE_URL: db.toString(), PORT: String(port), HOST: "127.0.0.1", API_KEYS: "", QUEUE_PREFIX: `qs${process.pid}` });
    for (let i = 0; i < 300; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
      if (service.proc.exitCode !== null) break;
      await sleep(200);
    }
    throw new Error(`npm start did not come up:\n${service.output()}`);
  });
  after(async () => {
    try {
      process.kill(-service.proc.pid!, "SIGTERM");
    } catch {}
    await Promise.race([service.exited, sleep(15_000)]);
    try {
      process.kill(-service.proc.pid!, "SIGKILL");
    } catch {}
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => client.end());
  });

  it("creates the database, trains, downloads a model tfjs loads, and predicts", async () => {
    assert.match(service.output(), new RegExp(`created database ${name}`));
    const readme = readFileSync(`${ROOT}README.md`, "utf8");
    const block = /In another shell[^\n]*\n\n```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    const script = block.replaceAll("localhost:3000", `localhost:${port}`).replaceAll("test/fixtures/", `${ROOT}test/fixtures/`);
    const dir = mkdtempSync(`${tmpdir()}/treino-qs-`);
    const { stdout } = await run("bash", ["-euo", "pipefail", "-c", script], { cwd: dir, timeout: 180_000, maxBuffer: 16 * 2 ** 20 });
    assert.match(stdout, /event: done/, "the event stream ran to the end");
    // curl prints bodies without a newline: the predict answer is the output's last JSON.
    const predictions = JSON.parse(stdout.slice(stdout.lastIndexOf('{"predictions"')));
    assert.equal(predictions.predictions[0].label, "0", "setosa");
    assert.ok(existsSync(`${dir}/model.json`) && existsSync(`${dir}/weights.bin`));
    const model = await loadFromDisk(`${dir}/model.json`);
    const out = model.predict(tf.zeros([1, model.inputs[0]!.shape[1]!])) as tf.Tensor;
    assert.deepEqual(out.shape, [1, 3]);
  });

  it("says which service is down, where, and how to start it", async () => {
    const noRedis = start({ REDIS_URL: "redis://127.0.0.1:1", PORT: "0" });
    assert.equal(await noRedis.exited, 1);
    assert.match(noRedis.output(), /Redis is not reachable at 127\.0\.0\.1:1 \(REDIS_URL\).*docker compose up -d postgres redis/s);
    const noPostgres = start({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/treino", PORT: "0" });
    assert.equal(await noPostgres.exited, 1);
    assert.match(noPostgres.output(), /Postgres is not reachable at 127\.0\.0\.1:1 \(DATABASE_URL\)/);
  });
});
