/**
 * `npx treino ...`: the service from a terminal or a script, through the typed client.
 * Server and key: --url / --key, or TREINO_URL / TREINO_API_KEY. Exit codes: 0 done (a watched job
 * or experiment succeeded), 1 an error (the API's problem is printed), 2 bad usage, 3 the watched
 * job or experiment failed, 4 it was cancelled.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { Command, CommanderError } from "commander";
import { ApiError, treinoClient, type JobRequest, type TreinoClient } from "../src/client/index.js";
import { endProgress, metricsText, progress, progressLine } from "./output.js";

export const EXIT = { ok: 0, error: 1, usage: 2, failed: 3, cancelled: 4 } as const;
const ended = (status: string) => (status === "succeeded" ? EXIT.ok : status === "cancelled" ? EXIT.cancelled : EXIT.failed);

const program = new Command("treino")
  .description("Treino: train neural networks from CSV files")
  .option("--url <url>", "the API", process.env.TREINO_URL ?? "http://localhost:3000")
  .option("--key <key>", "API key (Bearer)", process.env.TREINO_API_KEY)
  .option("--json", "print JSON results instead of text")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const client = (): TreinoClient => {
  const o = program.opts<{ url: string; key?: string }>();
  return treinoClient({ baseUrl: o.url, apiKey: o.key });
};
const json = () => Boolean(program.opts().json);
const print = (text: string, value: unknown) => console.log(json() ? JSON.stringify(value, null, 2) : text);
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));

const datasets = program.command("datasets").description("upload and list datasets");
datasets
  .command("upload <file>")
  .description("upload a CSV (or .jsonl) file")
  .option("--name <name>", "dataset name (default: the file name)")
  .action(async (file: string, o: { name?: string }) => {
    const ds = await client().uploadDataset(o.name ?? basename(file), readFileSync(file), file.endsWith(".jsonl") ? "application/x-ndjson" : "text/csv");
    print(`${ds.id}  ${ds.name}: ${ds.rows} rows, ${ds.columns.length} columns`, ds);
  });
datasets.command("list").action(async () => {
  const c = client();
  const page = await c.ok(c.api.GET("/v1/datasets", { params: { query: { limit: 100 } } }));
  print(page.items.map((d) => `${d.id}  ${d.name}  ${d.rows} rows`).join("\n"), page);
});

const jobs = program.command("jobs").description("create, watch and list training jobs");
jobs
  .command("create")
  .description("queue a job from a spec file, or from flags for a Dense network")
  .option("--spec <file>", "a JSON job request (POST /v1/jobs body)")
  .option("--dataset <id>")
  .option("--target <column>")
  .option("--layers <units>", "hidden Dense widths, e.g. 32,16", "32")
  .option("--activation <name>", "hidden activation", "relu")
  .option("--epochs <n>", "epochs", "50")
  .option("--batch-size <n>", "batch size", "32")
  .option("--learning-rate <x>", "Adam's learning rate")
  .option("--watch", "follow it to the end (exit code by its outcome)")
  .action(async (o: Record<string, string | boolean | undefined>) => {
    let body: JobRequest;
    if (o.spec) body = readJson(o.spec as string);
    else {
      if (!o.dataset || !o.target) throw new CommanderError(EXIT.usage, "usage", "give --spec file.json, or --dataset and --target");
      body = {
        datasetId: o.dataset as string,
        target: o.target as string,
        model: {
          type: "sequential",
          layers: String(o.layers)
            .split(",")
            .filter(Boolean)
            .map((u) => ({ type: "dense", units: Number(u), activation: o.activation as string })),
        },
        training: {
          epochs: Number(o.epochs),
          batchSize: Number(o.batchSize),
          ...(o.learningRate ? { optimizer: { type: "adam", learningRate: Number(o.learningRate) } } : {}),
        },
      } as JobRequest;
    }
    const job = await client().createJob(body);
    if (!o.watch) return print(job.id, job);
    if (!json()) console.log(`job ${job.id} queued`);
    process.exitCode = await watchJob(job.id);
  });
jobs
  .command("watch <id>")
  .description("a progress bar and each epoch's metrics until the job ends")
  .action(async (id: string) => {
    process.exitCode = await watchJob(id);
  });
jobs
  .command("list")
  .option("--status <status>")
  .action(async (o: { status?: "queued" | "running" | "succeeded" | "failed" | "cancelled" }) => {
    const c = client();
    const page = await c.ok(c.api.GET("/v1/jobs", { params: { query: { limit: 100, status: o.status } } }));
    print(page.items.map((j) => `${j.id}  ${j.status.padEnd(9)}  ${j.model.type}  ${j.progress.epoch}/${j.progress.epochs}  ${j.target}`).join("\n"), page);
  });

/** Follows a job's event stream: a bar of epochs with the latest metrics; the outcome's exit code. */
async function watchJob(id: string): Promise<number> {
  const c = client();
  let total = 0;
  for await (const e of c.jobEvents(id)) {
    if (e.event === "status") total = e.data.progress.epochs;
    if (e.event === "epoch" && !json()) progress(progressLine(e.data.epoch, e.data.epochs ?? total, metricsText(e.data.logs)));
    if (e.event === "done") {
      if (!json()) endProgress();
      const job = e.data;
      const test = job.metrics?.test;
      const score = test ? (test.accuracy !== undefined ? `test accuracy ${test.accuracy.toFixed(4)}` : `test R^2 ${test.r2?.toFixed(4)}`) : "";
      print(
        `job ${id} ${job.status}${job.error ? `: ${job.error.message}` : ""}${score ? `, ${score}` : ""}${job.modelId ? `, model ${job.modelId}` : ""}`,
        job,
      );
      return ended(job.status);
    }
  }
  throw new Error(`the event stream of job ${id} ended before the job did`);
}

const models = program.command("models").description("download trained models");
models
  .command("download <id>")
  .description(
    "into a folder: tfjs (model.json + weights, tf.loadLayersModel('file://<dir>/model.json')), keras (model.keras), onnx (model.onnx), xgboost (model.ubj); a baseline without the format asked as baseline.json",
  )
  .option("--dir <folder>", "where to write", ".")
  .option("--format <format>", "tfjs | keras | onnx | xgboost", "tfjs")
  .action(async (id: string, o: { dir: string; format: string }) => {
    const files: Record<string, string> = { keras: "model.keras", onnx: "model.onnx", xgboost: "model.ubj", baseline: "baseline.json" };
    if (o.format !== "tfjs" && !Object.hasOwn(files, o.format))
      throw new CommanderError(EXIT.usage, "usage", `--format is tfjs, keras, onnx or xgboost, not ${o.format}`);
    const c = client();
    mkdirSync(o.dir, { recursive: true });
    const model = await c.getModel(id);
    const written: string[] = [];
    const save = (name: string, bytes: Uint8Array) => (writeFileSync(join(o.dir, name), bytes), written.push(join(o.dir, name)));
    const has = model.formats.map((f) => f.format as string);
    // A classic model asked for a format it lacks (tfjs by default) gives its baseline.json.
    const format = has.includes(o.format) ? o.format : has.includes("baseline") ? "baseline" : o.format;
    if (format !== "tfjs") save(files[format]!, await c.modelFile(id, files[format]!));
    else {
      const json = await c.modelFile(id, "model.json");
      save("model.json", json);
      const manifest = JSON.parse(Buffer.from(json).toString("utf8")).weightsManifest as Array<{ paths: string[] }>;
      for (const file of manifest.flatMap((g) => g.paths)) save(file, await c.modelFile(id, file));
    }
    print(`model ${id} (${model.type}) -> ${written.join(", ")}`, { model: id, files: written });
  });

const registry = program.command("registry").description("name models for your apps: versions, aliases, stable URLs");
registry
  .command("create <name>")
  .description("a registered model: versions are registered under its name")
  .option("--description <text>")
  .action(async (name: string, o: { description?: string }) => {
    const rm = await client().registry.create(name, o.description);
    print(`registered model ${rm.name}`, rm);
  });
registry
  .command("register <name> <modelId>")
  .description("a trained model as the next version of <name>")
  .option("--note <text>")
  .option("--alias <alias>", "point this alias (e.g. staging) at the new version")
  .action(async (name: string, modelId: string, o: { note?: string; alias?: string }) => {
    const c = client();
    const v = await c.registry.register(name, modelId, o.note);
    const moved = o.alias ? await c.registry.moveAlias(name, o.alias, { version: v.version }) : undefined;
    print(`${name} v${v.version} = model ${modelId}${moved ? ` (${o.alias} -> v${v.version})` : ""}`, { version: v, alias: moved });
  });
registry
  .command("promote <name> <version>")
  .description("point an alias at a version; --if-better refuses a version worse than the alias's current one")
  .option("--alias <alias>", "the alias to move", "production")
  .option("--if-better <metric>", "accuracy, balancedAccuracy, macroF1, rocAuc, logLoss, loss; r2, rmse, mae")
  .action(async (name: string, version: string, o: { alias: string; ifBetter?: string }) => {
    if (!/^[1-9]\d*$/.test(version)) throw new CommanderError(EXIT.usage, "usage", `<version> is a version number, not ${version}`);
    const body = { version: Number(version), ...(o.ifBetter ? { ifMetricAtLeast: { metric: o.ifBetter, of: o.alias } } : {}) } as Parameters<
      TreinoClient["registry"]["moveAlias"]
    >[2];
    const a = await client().registry.moveAlias(name, o.alias, body);
    const from = a.previous === null ? "new" : `v${a.previous}`;
    print(
      `${name} ${o.alias}: ${from} -> v${a.version}${a.moved ? "" : " (already there)"}${a.guard ? `\n${a.guard.why}` : ""}\n${a.urls["model.json"] ?? a.urls["predict"]}`,
      a,
    );
  });
registry
  .command("list [name]")
  .description("the registered models, or one's versions side by side (metrics, aliases) and its recent alias moves")
  .action(async (name?: string) => {
    const c = client();
    if (!name) {
      const { items } = await c.registry.list();
      const lines = items.map(
        (r) =>
          `${r.name.padEnd(24)} v${r.latestVersion ?? "-"}  ${Object.entries(r.aliases)
            .map(([a, v]) => `${a}=v${v}`)
            .join(" ")}`,
      );
      return print(lines.join("\n") || "no registered models", items);
    }
    const [{ items }, audit] = await Promise.all([c.registry.versions(name), c.registry.audit(name, 10)]);
    const score = (v: (typeof items)[number]) => {
      const t = (v.lineage.metrics as { test?: Record<string, number> | null }).test ?? {};
      return "accuracy" in t ? `accuracy ${t.accuracy!.toFixed(4)}` : "r2" in t ? `r2 ${t.r2!.toFixed(4)}` : "-";
    };
    const lines = items.map(
      (v) => `v${String(v.version).padEnd(4)} ${v.lineage.type.padEnd(18)} ${score(v).padEnd(18)} ${v.aliases.join(",").padEnd(20)} ${v.note ?? ""}`,
    );
    const moves = audit.items.map((m) => `${m.at} ${m.alias}: ${m.from === null ? "new" : `v${m.from}`} -> ${m.to === null ? "deleted" : `v${m.to}`}`);
    print([...lines, "", ...moves].join("\n"), { versions: items, audit: audit.items });
  });

const experiments = program.command("experiments").description("compare candidates or search a space");
experiments
  .command("create")
  .requiredOption("--spec <file>", "a JSON experiment (POST /v1/experiments body)")
  .option("--watch")
  .action(async (o: { spec: string; watch?: boolean }) => {
    const exp = await client().createExperiment(readJson(o.spec));
    if (!o.watch) return print(exp.id, exp);
    if (!json()) console.log(`experiment ${exp.id}: ${exp.trials.total} trials queued`);
    process.exitCode = await watchExperiment(exp.id);
  });
experiments.command("watch <id>").action(async (id: string) => {
  process.exitCode = await watchExperiment(id);
});

program
  .command("automl <dataset>")
  .description("the best model for a table within a budget: a portfolio, a search, an ensemble")
  .requiredOption("--target <column>", "the column to predict")
  .option("--budget <seconds>", "time budget in seconds", (v) => Number(v))
  .option("--trials <n>", "at most this many candidates (with --seed, a repeatable run)", (v) => Number(v))
  .option("--metric <name>", "accuracy, balancedAccuracy, macroF1, rocAuc, logLoss; r2, rmse, mae")
  .option("--families <list>", "comma-separated model types to consider")
  .option("--ignore <list>", "comma-separated columns to leave out")
  .option("--seed <n>", "seed of the search and the trials", (v) => Number(v))
  .option("--watch", "follow it to the end and print the leaderboard and the winner")
  .action(
    async (
      dataset: string,
      o: { target: string; budget?: number; trials?: number; metric?: string; families?: string; ignore?: string; seed?: number; watch?: boolean },
    ) => {
      if (o.budget === undefined && o.trials === undefined) o.budget = 120;
      const list = (v?: string) =>
        v
          ?.split(",")
          .map((x) => x.trim())
          .filter(Boolean);
      const exp = await client().createExperiment({
        kind: "automl",
        datasetId: dataset,
        target: o.target,
        budget: { ...(o.budget !== undefined ? { seconds: o.budget } : {}), ...(o.trials !== undefined ? { trials: o.trials } : {}) },
        ...(o.metric ? { metric: o.metric } : {}),
        ...(o.families ? { families: list(o.families) } : {}),
        ...(o.ignore ? { ignore: list(o.ignore) } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
      } as never);
      if (!o.watch) return print(exp.id, exp);
      if (!json()) console.log(`automl ${exp.id}: ${exp.automl?.evaluation} (${exp.automl?.why})`);
      process.exitCode = await watchExperiment(exp.id);
    },
  );

async function watchExperiment(id: string): Promise<number> {
  const c = client();
  for (;;) {
    const exp = await c.getExperiment(id);
    const t = exp.trials;
    const done = t.succeeded + t.failed + t.cancelled;
    const eta = exp.automl && exp.automl.etaSeconds !== null ? ` eta ${exp.automl.etaSeconds} s` : "";
    const best = (exp.leaderboard[0]?.score ? `best ${exp.leaderboard[0].name} ${exp.metric} ${exp.leaderboard[0].score.mean.toFixed(4)}` : "") + eta;
    if (!json()) progress(progressLine(done, t.total, best));
    if (["succeeded", "failed", "cancelled"].includes(exp.status)) {
      if (!json()) endProgress();
      const table = exp.leaderboard
        .map((r) => `${String(r.rank).padStart(3)}. ${r.name.padEnd(32)} ${r.score ? `${r.score.mean.toFixed(4)} ± ${r.score.std.toFixed(4)}` : "-"}`)
        .join("\n");
      const w = exp.automl?.winner;
      const winner = w ? `\nwinner: ${w.name} (${exp.metric} ${w.score?.toFixed(4) ?? "-"}), model ${w.modelId}\n${w.note}` : "";
      print(`experiment ${id} ${exp.status}\n${table}${winner}`, exp);
      return ended(exp.status);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") process.exit(EXIT.ok);
    if (err.code === "usage") console.error(err.message);
    process.exit(EXIT.usage);
  }
  console.error(err instanceof ApiError ? `error: ${err.message}` : `error: ${(err as Error).message}`);
  process.exit(EXIT.error);
}
