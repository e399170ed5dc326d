import type { JobView } from "../client/index.js";
import type { Page } from "./context.js";
import { showError, statusBadge } from "./context.js";
import { dataUrl, download, fmt, h, lineChart, table } from "./dom.js";
import { registerForm } from "./registry.js";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);

/** #/jobs: every job with its status and progress, refreshed while any runs. */
export async function jobsPage({ client, main, signal }: Page): Promise<void> {
  const body = h("div");
  main.append(h("h2", {}, "Jobs"), body);
  for (;;) {
    // Experiments' trials (an AutoML run makes hundreds) are grouped under their experiment, not listed one by one.
    const page = await client.ok(client.api.GET("/v1/jobs", { params: { query: { limit: 100, trials: "false" } } }));
    const experiments = await client.ok(client.api.GET("/v1/experiments", { params: { query: { limit: 20 } } }));
    body.replaceChildren(
      ...(experiments.items.length
        ? [
            h("h3", {}, "Experiments' trials"),
            table(
              ["experiment", "kind", "status", "trials ended", "running", "queued"],
              experiments.items.map((e) => [
                h("a", { href: `#/experiments/${e.id}` }, e.id.slice(0, 8)),
                e.kind,
                statusBadge(e.status),
                `${e.trials.succeeded + e.trials.failed + e.trials.cancelled}/${e.trials.total}`,
                e.trials.running,
                e.trials.queued,
              ]),
              "experiment-trials",
            ),
            h("h3", {}, "Jobs"),
          ]
        : []),
      page.items.length
        ? table(
            ["job", "status", "model", "target", "progress", "created"],
            page.items.map((j) => [
              h("a", { href: `#/jobs/${j.id}` }, j.id.slice(0, 8)),
              statusBadge(j.status),
              String(j.model.type),
              j.target,
              `${j.progress.epoch}/${j.progress.epochs}`,
              new Date(j.createdAt).toLocaleString(),
            ]),
          )
        : h("p", {}, "No job yet: open a dataset to train one."),
    );
    if (!page.items.some((j) => !FINAL.has(j.status)) && !experiments.items.some((e) => !FINAL.has(e.status))) return;
    await new Promise((r) => setTimeout(r, 2000));
    if (signal.aborted) return;
  }
}

/** #/jobs/:id: live learning curves from the event stream, then metrics, diagnosis, plots, downloads and a predict form. */
export async function jobPage(page: Page, id: string): Promise<void> {
  const { client, main, signal } = page;
  let job = await client.getJob(id);
  const status = h("p", { class: "status" });
  const curves = h("div", { class: "curves" });
  const details = h("div");
  main.append(h("h2", {}, `Job ${id.slice(0, 8)}`), status, curves, details);
  const history: Record<string, number[]> = { ...(job.history as Record<string, number[]>) };
  const draw = () => {
    status.replaceChildren(
      statusBadge(job.status),
      ` ${String(job.model.type)} on ${job.target}, epoch ${job.progress.epoch}/${job.progress.epochs}`,
      job.backend ? ` (${job.backend})` : "",
    );
    const losses = Object.fromEntries(Object.entries(history).filter(([k]) => /loss$/.test(k)));
    curves.replaceChildren(...(Object.keys(losses).length ? [lineChart(losses)] : []));
  };
  draw();
  if (!FINAL.has(job.status)) {
    try {
      for await (const e of client.jobEvents(id, signal)) {
        if (e.event === "epoch") {
          for (const [k, v] of Object.entries(e.data.logs as Record<string, number>)) if (k !== "fold") (history[k] ??= []).push(v);
          job = { ...job, status: "running", progress: { epoch: e.data.epoch, epochs: e.data.epochs } };
        }
        if (e.event === "status") job = { ...job, status: e.data.status };
        if (e.event === "done") job = e.data as JobView;
        draw();
      }
    } catch (err) {
      if (signal.aborted) return;
      showError(main, err);
    }
    job = await client.getJob(id);
    Object.assign(history, job.history);
    draw();
  }
  await finished(page, job, details);
}

async function finished(page: Page, job: JobView, into: HTMLElement): Promise<void> {
  const { client, main, fetchBytes } = page;
  // Plots are drawn just after a job is marked succeeded: wait for them (metrics.plots "pending").
  for (let i = 0; i < 40 && (job.metrics as { plots?: string } | null)?.plots === "pending"; i++) {
    await new Promise((r) => setTimeout(r, 250));
    job = await client.getJob(job.id);
  }
  const m = (job.metrics ?? {}) as Record<string, any>;
  if (job.error) into.append(h("p", { class: "error" }, `${job.error.code}: ${job.error.message}`));
  for (const w of job.warnings) into.append(h("p", { class: "warning" }, w));
  const test = m.test as Record<string, unknown> | undefined;
  if (test) {
    const names = ["accuracy", "balancedAccuracy", "macroF1", "rocAuc", "loss", "r2", "rmse", "mae"].filter((k) => test[k] !== undefined);
    into.append(h("h3", {}, "Test metrics"), table(names, [names.map((k) => fmt(test[k]))], "metrics"));
  }
  if (m.diagnosis)
    into.append(
      h("h3", {}, "Diagnosis"),
      h("p", { class: "diagnosis" }, h("strong", {}, String(m.diagnosis.verdict).replace("_", " ")), m.diagnosis.hint ? `: ${m.diagnosis.hint}` : ""),
    );
  const plots = h("div", { class: "plots" });
  into.append(h("h3", {}, "Plots"), plots);
  // The plots this job has: curves of epochs, a confusion matrix of a classification's test, a booster's column importance, selected features' scores.
  const files = [
    ...(Object.keys(job.history).length ? ["learning-curve.svg"] : []),
    ...(m.test?.confusionMatrix ? ["confusion-matrix.svg"] : []),
    ...(m.importance ? ["importance.svg"] : []),
    ...(m.featureSelection ? ["feature-scores.svg"] : []),
  ];
  for (const file of files) {
    try {
      const img = h("img", { alt: file, "data-plot": file }) as HTMLImageElement;
      img.src = await dataUrl(await fetchBytes(`/v1/jobs/${job.id}/plots/${file}`));
      plots.append(img);
    } catch {
      /* this job has no such plot */
    }
  }
  if (!job.modelId) return;
  const model = await client.getModel(job.modelId);
  const summary = model.summary;
  into.append(
    h("h3", {}, "Model"),
    table(
      ["layer", "type", "output shape", "params"],
      summary.layers.map((l) => [l.name, l.type, JSON.stringify(l.outputShape), l.params]),
      "summary",
    ),
    h("p", {}, `${summary.totalParams} parameters`),
    h(
      "p",
      { class: "downloads" },
      h("button", { type: "button", onclick: () => void saveModel(client, job.modelId!, main) }, "Download model"),
      ` (model id ${job.modelId})`,
    ),
    registerForm(page, job.modelId, job.registered),
  );
  const inputs = model.features.map((f) => h("input", { type: "text", name: f, placeholder: f, "aria-label": f }) as HTMLInputElement);
  const answer = h("pre", { class: "prediction" });
  into.append(
    h("h3", {}, "Predict"),
    h(
      "form",
      {
        class: "predict",
        onsubmit: async (e) => {
          e.preventDefault();
          const row = Object.fromEntries(
            inputs.filter((i) => i.value !== "").map((i) => [i.name, Number.isFinite(Number(i.value)) ? Number(i.value) : i.value]),
          );
          try {
            const { data } = await client.api.POST("/v1/models/{id}/predict", { params: { path: { id: job.modelId! } }, body: { rows: [row] } });
            answer.textContent = JSON.stringify(data?.predictions[0], null, 2);
          } catch (err) {
            showError(main, err);
          }
        },
      },
      ...inputs.map((i) => h("label", {}, i.name, " ", i)),
      h("button", { type: "submit" }, "Predict"),
    ),
    answer,
  );
}

/** model.json and its weights (a TF.js layers model), or baseline.json. */
async function saveModel(client: Page["client"], id: string, main: HTMLElement): Promise<void> {
  try {
    const json = await client.modelFile(id, "model.json");
    download("model.json", json, "application/json");
    const manifest = JSON.parse(new TextDecoder().decode(json)).weightsManifest as Array<{ paths: string[] }>;
    for (const f of manifest.flatMap((g) => g.paths)) download(f, await client.modelFile(id, f));
  } catch {
    try {
      download("baseline.json", await client.modelFile(id, "baseline.json"), "application/json");
    } catch (err) {
      showError(main, err);
    }
  }
}
