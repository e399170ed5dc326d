import type { Page } from "./context.js";
import { statusBadge } from "./context.js";
import { dataUrl, fmt, h, table } from "./dom.js";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);

/** #/experiments: compares and searches with their progress. */
export async function experimentsPage({ client, main }: Page): Promise<void> {
  const page = await client.ok(client.api.GET("/v1/experiments", { params: { query: { limit: 50 } } }));
  main.append(
    h("h2", {}, "Experiments"),
    page.items.length
      ? table(
          ["experiment", "kind", "status", "trials", "best"],
          page.items.map((e) => [
            h("a", { href: `#/experiments/${e.id}` }, e.id.slice(0, 8)),
            e.method ? `${e.kind} (${e.method})` : e.kind,
            statusBadge(e.status),
            `${e.trials.succeeded + e.trials.failed + e.trials.cancelled}/${e.trials.total}`,
            e.best ? `${e.best.name}: ${fmt(e.best.score?.mean)}` : "-",
          ]),
        )
      : h("p", {}, "No experiment yet (POST /v1/experiments, or `npx treino experiments create`)."),
  );
}

/** #/experiments/:id: the leaderboard and comparisons as trials end, then its plots. */
export async function experimentPage({ client, main, signal, fetchBytes }: Page, id: string): Promise<void> {
  const body = h("div");
  main.append(h("h2", {}, `Experiment ${id.slice(0, 8)}`), body);
  for (;;) {
    const e = await client.getExperiment(id);
    const done = e.trials.succeeded + e.trials.failed + e.trials.cancelled;
    body.replaceChildren(
      h(
        "p",
        {},
        statusBadge(e.status),
        ` ${e.kind}${e.method ? ` (${e.method})` : ""}, ${e.evaluation}, ranked by ${e.metric}: ${done}/${e.trials.total} trials ended`,
      ),
      table(
        ["#", "candidate", e.metric, "± std", "fit s", "predict ms / 1000 rows", "params"],
        e.leaderboard.map((r) => [
          r.rank,
          r.name,
          fmt(r.score?.mean),
          fmt(r.score?.std),
          fmt(r.fitSeconds?.mean, 2),
          fmt(r.predictMsPer1000Rows?.mean, 1),
          fmt(r.parameters),
        ]),
        "leaderboard",
      ),
      ...(e.automl ? automlPanel(e.automl, e.metric) : []),
      ...(e.complexityGraph ? complexityPanel(e.complexity, e.complexityGraph) : []),
      ...(e.comparisons.length ? [h("h3", {}, "Best against each"), h("ul", {}, ...e.comparisons.map((c) => h("li", {}, `${c.name}: ${c.note}`)))] : []),
    );
    if (FINAL.has(e.status)) {
      const plots = h("div", { class: "plots" });
      body.append(h("h3", {}, "Plots"), plots);
      for (const file of e.plots.filter((f) => f.endsWith(".svg"))) {
        const img = h("img", { alt: file, "data-plot": file }) as HTMLImageElement;
        img.src = await dataUrl(await fetchBytes(`/v1/experiments/${id}/plots/${file}`));
        plots.append(img);
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 2000));
    if (signal.aborted) return;
  }
}

type ExperimentView = Awaited<ReturnType<Page["client"]["getExperiment"]>>;

/** A search's complexity graph as numbers: each size's training and validation score, the peak and the one-standard-error choice. */
function complexityPanel(points: ExperimentView["complexity"], c: NonNullable<ExperimentView["complexityGraph"]>): Node[] {
  const mark = (p: (typeof points)[number]) => [p.peak ? "peak" : "", p.oneStandardError ? "1-SE choice" : ""].filter(Boolean).join(", ");
  return [
    h("h3", {}, `Model complexity by ${c.label}`),
    h("p", { class: "complexity" }, c.note),
    table(
      [c.by, "parameters", `training ${c.metric}`, `validation ${c.metric}`, "± std", ""],
      points.map((p) => [p.value, fmt(p.parameters), fmt(p.train?.mean), fmt(p.validation?.mean), fmt(p.validation?.std), mark(p)]),
      "complexity",
    ),
  ];
}

type AutomlView = NonNullable<Awaited<ReturnType<Page["client"]["getExperiment"]>>["automl"]>;

/** An AutoML run: how it is evaluated, the budget against the clock, then the ensemble's weights and the winner. */
function automlPanel(a: AutomlView, metric: string): Node[] {
  const budget = [a.budget.seconds !== null ? `${a.budget.seconds} s` : "", a.budget.trials !== null ? `${a.budget.trials} candidates` : ""]
    .filter(Boolean)
    .join(", ");
  return [
    h(
      "p",
      { class: "automl" },
      `AutoML (${a.phase}): ${a.evaluation}, ${a.why}. Budget ${budget}: ${fmt(a.elapsedSeconds, 0)} s so far`,
      a.etaSeconds !== null ? `, about ${a.etaSeconds} s left` : "",
      `; ${a.candidates.planned} candidates${a.candidates.refused ? ` (${a.candidates.refused} refused by the limits)` : ""}`,
      a.stopped ? `. Stopped: ${a.stopped}.` : "",
    ),
    ...(a.ensemble
      ? [
          h("h3", {}, `Ensemble (${a.ensemble.size} picks, ${metric} ${fmt(a.ensemble.score)} out of fold)`),
          table(
            ["member", "weight"],
            a.ensemble.members.map((m) => [m.name, fmt(m.weight, 2)]),
            "ensemble",
          ),
        ]
      : []),
    ...(a.winner
      ? [
          h(
            "p",
            { class: "winner" },
            `Winner: ${a.winner.name} (${metric} ${fmt(a.winner.score)}). ${a.winner.note}. `,
            ...(a.winner.modelId ? [h("a", { href: `/v1/models/${a.winner.modelId}/ensemble.json` }, "ensemble.json")] : []),
          ),
        ]
      : []),
  ];
}
