/**
 * The dashboard (browser code, bundled by esbuild when the API first serves it): hash routes over
 * the typed client, the API key entered once and kept in localStorage.
 */
import { ApiError, treinoClient } from "../client/index.js";
import { showError, type Page } from "./context.js";
import { datasetPage, datasetsPage } from "./datasets.js";
import { h } from "./dom.js";
import { experimentPage, experimentsPage } from "./experiments.js";
import { jobPage, jobsPage } from "./jobs.js";
import { registeredModelPage, registryPage } from "./registry.js";

const KEY = "treino-key";
const main = document.getElementById("main")!;
let leaving = new AbortController();

function keyForm(message?: string): void {
  const input = h("input", { type: "password", name: "key", "aria-label": "API key", placeholder: "API key", autocomplete: "off" }) as HTMLInputElement;
  main.replaceChildren(
    h("h2", {}, "API key"),
    h("p", {}, message ?? "This service asks for a key. It stays in this browser (localStorage) and goes in each request's Authorization header."),
    h(
      "form",
      {
        class: "inline",
        onsubmit: (e) => {
          e.preventDefault();
          localStorage.setItem(KEY, input.value.trim());
          void render();
        },
      },
      input,
      h("button", { type: "submit" }, "Save"),
    ),
  );
}

async function render(): Promise<void> {
  leaving.abort();
  leaving = new AbortController();
  const key = localStorage.getItem(KEY) ?? undefined;
  const client = treinoClient({ baseUrl: location.origin, apiKey: key });
  const page: Page = {
    client,
    main,
    signal: leaving.signal,
    fetchBytes: async (path) => {
      const res = await fetch(path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
      return res.blob();
    },
  };
  const [section = "jobs", id] = location.hash.replace(/^#\/?/, "").split("/");
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("current", a.getAttribute("href") === `#/${section}`));
  main.replaceChildren();
  try {
    if (section === "key") return keyForm();
    if (section === "datasets") await (id ? datasetPage(page, id) : datasetsPage(page));
    else if (section === "registry") await (id ? registeredModelPage(page, decodeURIComponent(id)) : registryPage(page));
    else if (section === "experiments") await (id ? experimentPage(page, id) : experimentsPage(page));
    else await (id ? jobPage(page, id) : jobsPage(page));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return keyForm(key ? "That key was refused: enter another." : undefined);
    showError(main, err);
  }
}

window.addEventListener("hashchange", () => void render());
void render();
