/**
 * `npm start`: apply migrations, then run the API and one worker as two processes (the
 * production shape, on one machine). Stops both when either ends or on SIGTERM/SIGINT.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadConfig } from "./config.js";
import { checkRedis, ensureDatabase, PreflightError } from "./preflight.js";
import { configureFamilies, unavailableFamilies } from "./training/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const config = loadConfig();
try {
  await checkRedis(config.REDIS_URL);
  if (await ensureDatabase(config.DATABASE_URL)) console.log(`created database ${new URL(config.DATABASE_URL).pathname.slice(1)}`);
} catch (err) {
  if (!(err instanceof PreflightError)) throw err;
  console.error(err.message);
  process.exit(1);
}
// Optional libraries: a family whose library is missing is refused (409) with this same hint.
configureFamilies(config);
for (const { type, why } of unavailableFamilies()) console.log(`${type} family unavailable: ${why}`);
const migrate = spawnSync("npx", ["prisma", "migrate", "deploy"], { cwd: root, stdio: "inherit", env: { CHECKPOINT_DISABLE: "1", ...process.env } });
if (migrate.status !== 0) {
  console.error("migrations failed: is Postgres running and DATABASE_URL right?");
  process.exit(migrate.status ?? 1);
}

const run = (entry: string): ChildProcess =>
  spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL(entry, import.meta.url))], { cwd: root, stdio: "inherit" });
const children = [run("./api/server.ts"), run("./workers/main.ts")];
let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  setTimeout(() => process.exit(code), 10_000).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null))).then(() => process.exit(code));
};
for (const c of children) c.once("exit", (code) => stop(code ?? 1));
process.once("SIGTERM", () => stop(0));
process.once("SIGINT", () => stop(0));
