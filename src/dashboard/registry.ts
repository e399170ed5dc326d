import type { Page } from "./context.js";
import { showError } from "./context.js";
import { fmt, h, table } from "./dom.js";

/** #/registry: the registered models with their aliases, and a form to create one. */
export async function registryPage({ client, main }: Page): Promise<void> {
  const name = h("input", { type: "text", name: "name", placeholder: "name (e.g. iris-app)", "aria-label": "registered model name" }) as HTMLInputElement;
  const form = h(
    "form",
    {
      class: "inline",
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const rm = await client.registry.create(name.value.trim());
          location.hash = `#/registry/${rm.name}`;
        } catch (err) {
          showError(main, err);
        }
      },
    },
    name,
    h("button", { type: "submit" }, "Create"),
  );
  const { items } = await client.registry.list();
  main.append(
    h("h2", {}, "Model registry"),
    h("p", {}, "Names your apps load models by: register a trained model as a version (from its job's page), then point an alias such as production at it."),
    form,
    items.length
      ? table(
          ["name", "latest version", "versions", "aliases", "created"],
          items.map((r) => [
            h("a", { href: `#/registry/${r.name}` }, r.name),
            r.latestVersion ?? "-",
            r.versions,
            Object.entries(r.aliases)
              .map(([a, v]) => `${a} → v${v}`)
              .join(", ") || "-",
            new Date(r.createdAt).toLocaleString(),
          ]),
          "registry",
        )
      : h("p", {}, "No registered model yet."),
  );
}

/** The held-out metrics shown side by side: the test part's, else validation's. */
function heldOut(v: { lineage: { metrics: Record<string, unknown> } }): Record<string, unknown> {
  const m = v.lineage.metrics as { test?: Record<string, unknown> | null; validation?: Record<string, unknown> | null };
  return m.test ?? m.validation ?? {};
}

/** #/registry/:name: versions with their metrics side by side, aliases with promote and roll back, and the audit list. */
export async function registeredModelPage({ client, main }: Page, name: string): Promise<void> {
  const [rm, versions, audit] = await Promise.all([client.registry.get(name), client.registry.versions(name), client.registry.audit(name, 50)]);
  const alias = h("input", { type: "text", name: "alias", value: "production", "aria-label": "alias" }) as HTMLInputElement;
  const guarded = h("input", { type: "checkbox", name: "guard", "aria-label": "only if at least as good" }) as HTMLInputElement;
  const keys = ["accuracy", "balancedAccuracy", "rocAuc", "loss", "r2", "rmse"].filter((k) => versions.items.some((v) => typeof heldOut(v)[k] === "number"));
  const move = async (version: number) => {
    const target = alias.value.trim();
    try {
      const metric = keys[0] ?? "accuracy";
      await client.registry.moveAlias(name, target, { version, ...(guarded.checked ? { ifMetricAtLeast: { metric: metric as "accuracy", of: target } } : {}) });
      renderAgain();
    } catch (err) {
      showError(main, err);
    }
  };
  // The page drawn again from the API (app.ts renders on hashchange).
  const renderAgain = () => window.dispatchEvent(new HashChangeEvent("hashchange"));
  // Roll back: each alias's previous version, from its last recorded move.
  const rollbacks = Object.entries(rm.aliases).flatMap(([a, v]) => {
    const last = audit.items.find((m) => m.alias === a && m.to === v);
    return last?.from ? [{ alias: a, from: v, to: last.from }] : [];
  });
  main.append(
    h("h2", {}, `Registered model ${rm.name}`),
    h("p", {}, rm.description ?? ""),
    h("h3", {}, "Aliases"),
    Object.keys(rm.aliases).length
      ? table(
          ["alias", "version", "stable URL (+ model.json, model.onnx, predict, ...)", ""],
          Object.entries(rm.aliases).map(([a, v]) => {
            const back = rollbacks.find((r) => r.alias === a);
            return [
              a,
              `v${v}`,
              h("code", {}, `/v1/registry/${name}/aliases/${a}/`),
              back
                ? h(
                    "button",
                    {
                      type: "button",
                      onclick: async () => {
                        alias.value = a;
                        guarded.checked = false;
                        await move(back.to);
                      },
                    },
                    `Roll back ${a} to v${back.to}`,
                  )
                : "",
            ];
          }),
          "aliases",
        )
      : h("p", {}, "No alias yet."),
    h("h3", {}, "Versions"),
    h(
      "p",
      { class: "inline" },
      h("label", {}, "Promote to ", alias),
      " ",
      h("label", {}, guarded, ` only if its ${keys[0] ?? "metric"} is at least the alias's`),
    ),
    versions.items.length
      ? table(
          ["version", "type", ...keys, "dataset", "trained", "aliases", "note", ""],
          versions.items.map((v) => [
            h("a", { href: `#/jobs/${v.lineage.jobId}` }, `v${v.version}`),
            v.lineage.type,
            ...keys.map((k) => fmt(heldOut(v)[k])),
            v.lineage.dataset.name ?? "-",
            new Date(v.lineage.trainedAt).toLocaleString(),
            v.aliases.join(", ") || "-",
            v.note ?? "",
            h("button", { type: "button", onclick: () => void move(v.version) }, `Promote v${v.version}`),
          ]),
          "versions",
        )
      : h("p", {}, "No version yet: register a trained model from its job's page."),
    h("h3", {}, "Audit"),
    audit.items.length
      ? table(
          ["when", "alias", "from", "to", "by"],
          audit.items.map((m) => [
            new Date(m.at).toLocaleString(),
            m.alias,
            m.from === null ? "(new)" : `v${m.from}`,
            m.to === null ? "(deleted)" : `v${m.to}`,
            m.tenant,
          ]),
          "audit",
        )
      : h("p", {}, "No alias has moved yet."),
  );
}

/** On a job's page: register its model as the next version of a registered model. */
export function registerForm({ client, main }: Page, modelId: string, registered: Array<{ name: string; version: number; aliases: string[] }>): HTMLElement {
  const name = h("input", { type: "text", name: "registry", placeholder: "registered model", "aria-label": "register as" }) as HTMLInputElement;
  return h(
    "div",
    { class: "register" },
    registered.length
      ? h(
          "p",
          {},
          "Registered as ",
          ...registered.flatMap((r, i) => [
            i ? ", " : "",
            h("a", { href: `#/registry/${r.name}` }, `${r.name} v${r.version}`),
            r.aliases.length ? ` (${r.aliases.join(", ")})` : "",
          ]),
        )
      : null,
    h(
      "form",
      {
        class: "inline",
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            const v = await client.registry.register(name.value.trim(), modelId);
            location.hash = `#/registry/${v.name}`;
          } catch (err) {
            showError(main, err);
          }
        },
      },
      name,
      h("button", { type: "submit" }, "Register"),
    ),
  );
}
