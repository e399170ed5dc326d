import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The layering STYLE.md describes, checked on the import graph of src/ (static imports that
 * exist at run time: `import type` is left out, as are dynamic `import()`s):
 *  - src/training imports nothing from the API, services, workers, db or queue (data types come
 *    from src/tables, the table format, which imports nothing but errors);
 *  - everything outside src/training imports training through src/training/index.ts only;
 *  - no import cycles.
 */
const SRC = fileURLToPath(new URL("../src", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === "generated") return [];
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

/** Module → the modules it imports at run time (paths relative to src/, .ts). */
function graph(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of files(SRC)) {
    const text = readFileSync(file, "utf8");
    const deps: string[] = [];
    for (const m of text.matchAll(/^(import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["'](\.[^"']+)["']/gm)) {
      deps.push(relative(SRC, resolve(dirname(file), m[2]!)).replace(/\.js$/, ".ts"));
    }
    out.set(relative(SRC, file), deps);
  }
  return out;
}

describe("architecture", () => {
  const g = graph();

  it("keeps src/training free of HTTP, services, workers, db and queue", () => {
    const banned = /^(api|jobs|models|workers|plots|datasets)\/|^(db|queue|storage-quota)\.ts$/;
    const bad = [...g].filter(([m]) => m.startsWith("training/")).flatMap(([m, deps]) => deps.filter((d) => banned.test(d)).map((d) => `${m} → ${d}`));
    assert.deepEqual(bad, []);
  });

  it("keeps the table format (src/tables) below both the upload service and training", () => {
    const bad = [...g].filter(([m]) => m.startsWith("tables/")).flatMap(([m, deps]) => deps.filter((d) => !d.startsWith("tables/") && d !== "errors.ts").map((d) => `${m} → ${d}`));
    assert.deepEqual(bad, []);
  });

  it("lets everything else reach training through its index only", () => {
    const bad = [...g].filter(([m]) => !m.startsWith("training/")).flatMap(([m, deps]) => deps.filter((d) => d.startsWith("training/") && d !== "training/index.ts").map((d) => `${m} → ${d}`));
    assert.deepEqual(bad, []);
    const typeOnly = files(SRC).filter((f) => !relative(SRC, f).startsWith("training/")).flatMap((f) => [...readFileSync(f, "utf8").matchAll(/from\s+["'](\.[^"']*training\/(?!index\.js)[^"']+)["']/g)].map((m) => `${relative(SRC, f)} → ${m[1]}`));
    assert.deepEqual(typeOnly, [], "type imports too");
  });

  it("has no import cycles", () => {
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
    assert.deepEqual(cycles, []);
  });
});
