/**
 * AutoML against the best of six default models picked in hindsight (issue 23's target): for each
 * public table, the peer (bench/peers/automl_peers.py) splits 75/25 (stratified, seed 0), fits
 * scikit-learn's LogisticRegression, SVC, RandomForest, MLP, HistGradientBoosting and XGBoost with
 * their defaults on the training rows and scores them on the test rows. The training rows are then
 * uploaded here and an AutoML experiment runs with a 120-second budget on 2 worker processes; its
 * winner predicts the test rows through POST /v1/models/:id/predict. Target: AutoML >= best - 0.01
 * on at least 6 of 8 tables, and >= best on average. JSON out.
 * Run alone: `node --import tsx bench/automl.ts [seconds] [table ...]`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { createTestEnv, SHARED_DATASETS, waitForExperiment, type TestEnv } from "../test/harness.js";

const PEER = fileURLToPath(new URL("./peers/automl_peers.py", import.meta.url));

/** The tables: file, target, and the columns to leave out (leaks, identifiers, free text). */
export const TABLES = [
  { name: "titanic", file: "titanic.csv", target: "survived", ignore: ["boat", "body", "name", "ticket", "cabin", "home.dest"] },
  { name: "mushroom", file: "mushroom.csv", target: "class", ignore: [] },
  {
    name: "spotify (popular)",
    file: "spotify.csv",
    target: "popular_or_not",
    ignore: ["popularity", "track_id", "artists", "album_name", "track_name", "track_genre"],
  },
  {
    name: "spotify (genre)",
    file: "spotify.csv",
    target: "track_genre",
    ignore: ["popularity", "popular_or_not", "track_id", "artists", "album_name", "track_name"],
  },
  { name: "wine", file: "wine.csv", target: "target", ignore: [] },
  { name: "digits", file: "digits.csv", target: "target", ignore: [] },
  { name: "iris", file: "iris.csv", target: "target", ignore: [] },
  { name: "penguins", file: "penguins.csv", target: "species", ignore: [] },
];

async function runTable(env: TestEnv, t: (typeof TABLES)[number], seconds: number) {
  const dir = mkdtempSync(`${tmpdir()}/automl-bench-`);
  try {
    const peer = JSON.parse(
      execFileSync("/usr/bin/python3", [PEER, `${SHARED_DATASETS}/${t.file}`, t.target, dir, "--drop", t.ignore.join(",")], {
        encoding: "utf8",
        maxBuffer: 1 << 26,
      }),
    );
    const up = await env
      .api()
      .post(`/v1/datasets?name=${encodeURIComponent(t.name)}`)
      .set("content-type", "text/csv")
      .send(readFileSync(`${dir}/train.csv`));
    if (up.status !== 201) throw new Error(`${t.name}: upload ${up.status} ${up.text}`);
    const started = Date.now();
    const res = await env
      .api()
      .post("/v1/experiments")
      .send({ kind: "automl", datasetId: up.body.id, target: t.target, ignore: t.ignore, task: "classification", budget: { seconds }, seed: 1 });
    if (res.status !== 202) throw new Error(`${t.name}: automl ${res.status} ${res.text}`);
    const done = await waitForExperiment(env, res.body.id, (seconds + 600) * 1000);
    const wall = (Date.parse(done.finishedAt) - Date.parse(done.createdAt)) / 1000;
    const test = JSON.parse(readFileSync(`${dir}/test.json`, "utf8")) as { rows: Array<Record<string, unknown>>; labels: string[] };
    let hits = 0;
    // Rows per request within MAX_PREDICT_OPS (1e9 by default): an ensemble's parameters are all its members'.
    const model = await env.api().get(`/v1/models/${done.automl.winner.modelId}`);
    const batch = Math.max(1, Math.min(200, Math.floor(1e9 / Math.max(1, model.body.summary.totalParams))));
    for (let i = 0; i < test.rows.length; i += batch) {
      const rows = test.rows.slice(i, i + batch).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)));
      const p = await env.api().post(`/v1/models/${done.automl.winner.modelId}/predict`).send({ rows });
      if (p.status !== 200) throw new Error(`${t.name}: predict ${p.status} ${p.text}`);
      p.body.predictions.forEach((q: { label: string }, j: number) => (hits += q.label === test.labels[i + j] ? 1 : 0));
    }
    const accuracy = hits / test.rows.length;
    return {
      table: t.name,
      rows: peer.rows,
      automl: {
        accuracy,
        winner: done.automl.winner.name,
        kind: done.automl.winner.kind,
        validationScore: done.automl.winner.score,
        ensemble: done.automl.ensemble?.members.map((m: { name: string; weight: number }) => `${m.name} ${m.weight.toFixed(2)}`),
        candidates: done.automl.candidates.planned,
        evaluation: done.automl.evaluation,
        stopped: done.automl.stopped,
        seconds: wall,
        overBudget: Math.round((wall / seconds - 1) * 1000) / 1000,
        requestToEnd: (Date.now() - started) / 1000,
      },
      peers: peer.accuracy,
      best: { name: peer.best, accuracy: peer.bestAccuracy },
      difference: Math.round((accuracy - peer.bestAccuracy) * 10_000) / 10_000,
      withinOnePoint: accuracy >= peer.bestAccuracy - 0.01,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchAutoml(seconds = 120, only?: string[]) {
  const env = await createTestEnv({ MAX_JOB_SECONDS: "1800", RATE_LIMIT_PER_MINUTE: "0", MAX_RUNNING_JOBS_PER_TENANT: "4", MAX_EXPERIMENT_TRIALS: "2000" });
  try {
    await env.startWorker();
    await env.startWorker();
    const results = [];
    for (const t of TABLES.filter((x) => !only?.length || only.includes(x.name))) {
      const r = await runTable(env, t, seconds);
      console.error(JSON.stringify(r));
      results.push(r);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return {
      machine: "2 vCPU, 24 GiB, 2 worker processes",
      budgetSeconds: seconds,
      tables: results,
      summary: {
        withinOnePoint: `${results.filter((r) => r.withinOnePoint).length} of ${results.length}`,
        meanAutoml: mean(results.map((r) => r.automl.accuracy)),
        meanBestPeer: mean(results.map((r) => r.best.accuracy)),
        worstOverBudget: Math.max(...results.map((r) => r.automl.overBudget)),
      },
    };
  } finally {
    await env.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [seconds, ...only] = process.argv.slice(2);
  console.log(JSON.stringify(await benchAutoml(seconds ? Number(seconds) : 120, only), null, 2));
  process.exit(0);
}
