import type { Page } from "./context.js";
import { showError } from "./context.js";
import { fmt, h, table } from "./dom.js";

/** #/datasets: the list and an upload form. */
export async function datasetsPage({ client, main }: Page): Promise<void> {
  const file = h("input", { type: "file", name: "file", accept: ".csv,.jsonl,text/csv", "aria-label": "CSV file" }) as HTMLInputElement;
  const name = h("input", { type: "text", name: "name", placeholder: "name (default: the file's)", "aria-label": "dataset name" }) as HTMLInputElement;
  const form = h(
    "form",
    {
      class: "inline",
      onsubmit: async (e) => {
        e.preventDefault();
        const chosen = file.files?.[0];
        if (!chosen) return;
        try {
          const ds = await client.uploadDataset(name.value || chosen.name, chosen, chosen.name.endsWith(".jsonl") ? "application/x-ndjson" : "text/csv");
          location.hash = `#/datasets/${ds.id}`;
        } catch (err) {
          showError(main, err);
        }
      },
    },
    file,
    name,
    h("button", { type: "submit" }, "Upload"),
  );
  const page = await client.ok(client.api.GET("/v1/datasets", { params: { query: { limit: 100 } } }));
  main.append(
    h("h2", {}, "Datasets"),
    form,
    page.items.length
      ? table(
          ["name", "rows", "columns", "uploaded"],
          page.items.map((d) => [h("a", { href: `#/datasets/${d.id}` }, d.name), d.rows, d.columns.length, new Date(d.createdAt).toLocaleString()]),
        )
      : h("p", {}, "No dataset yet: upload a CSV."),
  );
}

const MODELS: Record<string, (units: string, epochs: number) => { model: unknown; training?: unknown }> = {
  mlp: (units, epochs) => ({
    model: {
      type: "sequential",
      layers: units
        .split(",")
        .map((u) => u.trim())
        .filter(Boolean)
        .map((u) => ({ type: "dense", units: Number(u), activation: "relu" })),
    },
    training: {
      epochs,
      batchSize: 32,
      optimizer: { type: "adam", learningRate: 0.01 },
      earlyStopping: { monitor: "val_loss", patience: 10, restoreBestWeights: true },
    },
  }),
  elm: (units) => ({ model: { type: "elm", hiddenUnits: Number(units.split(",")[0]) || 200 } }),
  svm: () => ({ model: { type: "svm" } }),
  randomForest: () => ({ model: { type: "randomForest" } }),
  // Boosting rounds as its epochs field, with XGBoost's defaults otherwise.
  xgboost: (_units, epochs) => ({ model: { type: "xgboost", nEstimators: epochs } }),
  logisticRegression: () => ({ model: { type: "logisticRegression" } }),
  majority: () => ({ model: { type: "majority" } }),
};

/** #/datasets/:id: the profile of every column, a leak check for a target, and a form to train. */
export async function datasetPage({ client, main }: Page, id: string): Promise<void> {
  const ds = await client.ok(client.api.GET("/v1/datasets/{id}", { params: { path: { id } } }));
  const target = h("select", { name: "target", "aria-label": "target" }, ...ds.columns.map((c) => h("option", { value: c.name }, c.name))) as HTMLSelectElement;
  target.value = ds.columns.at(-1)!.name;
  const kind = h("select", { name: "model", "aria-label": "model" }, ...Object.keys(MODELS).map((m) => h("option", { value: m }, m))) as HTMLSelectElement;
  const units = h("input", {
    type: "text",
    name: "units",
    value: "32,16",
    "aria-label": "hidden units",
    title: "hidden Dense widths (an ELM: its hidden units)",
  }) as HTMLInputElement;
  const epochs = h("input", { type: "number", name: "epochs", value: "50", min: "1", "aria-label": "epochs" }) as HTMLInputElement;
  const notes = h("ul", { class: "warnings" });
  const request = () => ({ datasetId: id, target: target.value, ...MODELS[kind.value]!(units.value, Number(epochs.value)) });
  const check = async () => {
    notes.replaceChildren();
    try {
      const { model, datasetId, target: t } = request() as { model: unknown; datasetId: string; target: string };
      const dry = await client.ok(client.api.POST("/v1/models/validate", { body: { model, datasetId, target: t } as never }));
      const warnings = (dry as { warnings?: string[] }).warnings ?? [];
      notes.append(...(warnings.length ? warnings.map((w) => h("li", {}, w)) : [h("li", { class: "ok" }, "no leak or identifier column found")]));
    } catch (err) {
      showError(main, err);
    }
  };
  const form = h(
    "form",
    {
      class: "train",
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const job = await client.createJob(request() as never);
          location.hash = `#/jobs/${job.id}`;
        } catch (err) {
          showError(main, err);
        }
      },
    },
    h("label", {}, "target ", target),
    h("label", {}, "model ", kind),
    h("label", {}, "units ", units),
    h("label", {}, "epochs ", epochs),
    h("button", { type: "button", onclick: check }, "Check for leaks"),
    h("button", { type: "submit" }, "Train"),
  );
  const profile = ds.columns.map((c) => {
    const col = c as Record<string, unknown>;
    return [c.name, c.type, fmt(col.missing), fmt(col.distinct), fmt(col.mean), fmt(col.min), fmt(col.max)];
  });
  main.append(
    h("h2", {}, ds.name),
    h("p", {}, `${ds.rows} rows, ${ds.columns.length} columns, ${ds.format}, uploaded ${new Date(ds.createdAt).toLocaleString()}`),
    h("h3", {}, "Train a model"),
    form,
    notes,
    h("h3", {}, "Columns"),
    table(["column", "type", "missing", "distinct", "mean", "min", "max"], profile, "profile"),
  );
}
