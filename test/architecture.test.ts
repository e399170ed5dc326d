import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The layering STYLE.md and docs/ARCHITECTURE.md describe, checked on the import graph of src/:
 * every import counts, `import type` and dynamic `import()` included.
 *  - src/training imports nothing from the API, services, workers, config, db or queue (data
 *    types come from src/tables, the table format, which imports nothing but errors);
 *  - inside src/training each layer imports only the layers below it, and a family's folder
 *    imports only those layers (the family contract is train/family.ts) and itself;
 *  - everything outside src/training imports training through src/training/index.ts only;
 *  - no import cycles between files, nor between the folders of src/.
 */
const SRC = fileURLToPath(new URL("../src", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === "generated") return [];
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

/** Module → the modules it imports (paths relative to src/, .ts), type-only and dynamic imports too. */
function graph(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of files(SRC)) {
    const text = readFileSync(file, "utf8");
    const deps: string[] = [];
    for (const m of text.matchAll(/(?:^(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\sfrom\s+)?|\bimport\(\s*)["'](\.[^"']+)["']/gm)) {
      deps.push(relative(SRC, resolve(dirname(file), m[1]!)).replace(/\.js$/, ".ts"));
    }
    out.set(relative(SRC, file), deps);
  }
  return out;
}

/** The cycles of a graph, each as the path that closes it. */
function cyclesOf(g: Map<string, Iterable<string>>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (m: string) => {
    if (state.get(m) === "done") return;
    if (state.get(m) === "open") {
      cycles.push([...stack.slice(stack.indexOf(m)), m].join(" → "));
      return;
    }
    state.set(m, "open");
    stack.push(m);
    for (const d of g.get(m) ?? []) visit(d);
    stack.pop();
    state.set(m, "done");
  };
  for (const m of g.keys()) visit(m);
  return cycles;
}

/** src/training's layers, lowest first (docs/ARCHITECTURE.md). */
const LAYERS = ["spec", "engine", "data", "evaluate", "formats", "train", "families", "job", "index.ts"];

describe("architecture", () => {
  const g = graph();

  it("keeps src/training free of HTTP, services, workers, config, db and queue", () => {
    const bad = [...g]
      .filter(([m]) => m.startsWith("training/"))
      .flatMap(([m, deps]) => deps.filter((d) => !d.startsWith("training/") && !d.startsWith("tables/") && d !== "errors.ts").map((d) => `${m} → ${d}`));
    assert.deepEqual(bad, []);
  });

  it("keeps each layer of src/training above the ones it imports, and each family to itself", () => {
    const layer = (m: string) => LAYERS.indexOf(m.split("/")[1]!);
    const bad: string[] = [];
    for (const [m, deps] of g) {
      if (!m.startsWith("training/")) continue;
      assert.ok(layer(m) >= 0, `${m} is in no layer: put it in one of ${LAYERS.join(", ")}`);
      for (const d of deps.filter((x) => x.startsWith("training/"))) {
        if (layer(d) > layer(m)) bad.push(`${m} → ${d}`);
        const [, top, family] = m.split("/");
        const [, dTop, dFamily] = d.split("/");
        // A family's folder: its own files, the contract, and the layers below; only the registry lists them all.
        if (top === "families" && dTop === "families" && family !== dFamily && family !== "index.ts") bad.push(`${m} → ${d}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it("keeps the table format (src/tables) below both the upload service and training", () => {
    const bad = [...g]
      .filter(([m]) => m.startsWith("tables/"))
      .flatMap(([m, deps]) => deps.filter((d) => !d.startsWith("tables/") && d !== "errors.ts").map((d) => `${m} → ${d}`));
    assert.deepEqual(bad, []);
  });

  it("lets everything else reach training through its index only", () => {
    const bad = [...g]
      .filter(([m]) => !m.startsWith("training/"))
      .flatMap(([m, deps]) => deps.filter((d) => d.startsWith("training/") && d !== "training/index.ts").map((d) => `${m} → ${d}`));
    assert.deepEqual(bad, []);
  });

  it("has no import cycles between files", () => {
    assert.deepEqual(cyclesOf(g), []);
  });

  it("has no import cycles between the folders of src/ (jobs, experiments, webhooks, models, ...)", () => {
    const top = (m: string) => (m.includes("/") ? m.split("/")[0]! : m.replace(/\.ts$/, ""));
    const folders = new Map<string, Set<string>>();
    for (const [m, deps] of g) {
      for (const d of deps) {
        if (top(d) === top(m)) continue;
        if (!folders.has(top(m))) folders.set(top(m), new Set());
        folders.get(top(m))!.add(top(d));
      }
    }
    assert.deepEqual(cyclesOf(folders), []);
  });

  it("sees type-only and dynamic imports (the checks above would miss cycles otherwise)", () => {
    const families = g.get("training/families/elm/index.ts") ?? [];
    assert.ok(families.includes("training/train/family.ts"), "import type { ModelFamily } is an edge");
    assert.ok(families.includes("training/families/elm/build.ts"), 'await import("./build.js") is an edge');
  });
});
