/**
 * Trials per minute (issue 22): a grid of 300 one-split logistic-regression trials on iris
 * (`model.C` x `model.maxIter`, 15 x 20) with two real workers, from POST /v1/experiments to the
 * experiment's end; and where a trial's time goes: its phases (metrics.phases), its run as the
 * worker logs it (claim to end, with the collection between jobs, gcMs), and the hand-off from one
 * trial's end to the next one's start on the same training process (BullMQ, the claim).
 * Run alone: `node --import tsx bench/trials.ts`.
 */
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createTestEnv, upload, waitForExperiment } from "../test/harness.js";

interface LogLine {
  msg: string;
  pid?: number;
  time: string;
  gcMs?: number;
}

const mean = (a: number[]) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : 0);
const ms = (v: number) => Math.round(v * 10) / 10;

export async function benchTrials() {
  const env = await createTestEnv({});
  try {
    const workers = [await env.startWorker(), await env.startWorker()];
    const iris = await upload(env, "iris.csv");
    const C = Array.from({ length: 15 }, (_, i) => 0.01 * 2 ** i);
    const maxIter = Array.from({ length: 20 }, (_, i) => 20 + i * 10);
    const started = Date.now();
    const res = await env
      .api()
      .post("/v1/experiments")
      .send({
        kind: "search",
        method: "grid",
        datasetId: iris.id,
        target: "target",
        space: { type: "spec", model: { type: "logisticRegression" }, params: { "model.C": C, "model.maxIter": maxIter } },
      });
    if (res.status !== 202) throw new Error(`${res.status} ${res.text}`);
    const createdMs = Date.now() - started;
    const exp = await waitForExperiment(env, res.body.id, 900_000);
    const seconds = (Date.now() - started) / 1000;

    const url = new URL(env.env.DATABASE_URL!);
    const schema = url.searchParams.get("schema")!;
    url.searchParams.delete("schema");
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    const rows = await (async () => {
      try {
        await db.query(`SET search_path TO "${schema}"`);
        return (
          await db.query<{ phases: Record<string, number> | null }>(`SELECT metrics->'phases' AS phases FROM "Job" WHERE "experimentId" = $1`, [res.body.id])
        ).rows;
      } finally {
        await db.end();
      }
    })();
    const phases = Object.fromEntries(Object.keys(rows[0]?.phases ?? {}).map((p) => [p, ms(mean(rows.map((r) => (r.phases?.[p] ?? 0) * 1000)))]));

    const lines = workers
      .flatMap((w) => w.output().split("\n"))
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as LogLine)
      .filter((l) => l.msg === "training started" || l.msg === "training ended");
    const byPid = new Map<number, LogLine[]>();
    for (const l of lines) if (l.pid) (byPid.get(l.pid) ?? byPid.set(l.pid, []).get(l.pid)!).push(l);
    const handOff: number[] = [];
    const run: number[] = [];
    for (const ls of byPid.values()) {
      for (let i = 1; i < ls.length; i++) {
        const dt = Date.parse(ls[i]!.time) - Date.parse(ls[i - 1]!.time);
        if (ls[i]!.msg === "training started" && ls[i - 1]!.msg === "training ended") handOff.push(dt);
        if (ls[i]!.msg === "training ended" && ls[i - 1]!.msg === "training started") run.push(dt);
      }
    }
    const gc = lines.filter((l) => l.msg === "training ended").map((l) => l.gcMs ?? 0);
    return {
      workload: "300 logistic-regression trials on iris (grid of model.C x model.maxIter), one split each, 2 workers",
      status: exp.status,
      trials: rows.length,
      seconds,
      trialsPerMinute: Math.round((rows.length / seconds) * 60),
      createMs: createdMs,
      perTrialMs: {
        workerTime: ms((seconds * 1000 * workers.length) / rows.length),
        startedToEnded: ms(mean(run)),
        phases,
        gcBetweenJobs: ms(mean(gc)),
        gcRuns: gc.filter((g) => g > 0).length,
        handOffToNextTrial: ms(mean(handOff)),
      },
    };
  } finally {
    await env.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchTrials(), null, 2));
  process.exit(0);
}
