import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Request data must never reach eval, a file path or a SQL string. The code is written so
 * (parameterized queries only, no fs on request data); this audit fails the build if a change
 * introduces one of the shapes that would break that.
 */
const SRC = fileURLToPath(new URL("../src", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = `${dir}/${f}`;
    if (f === "generated") return [];
    // The service's own modules; unit tests beside them read their fixtures from disk.
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

describe("source audit", () => {
  const sources = files(SRC).map((p) => ({ p, text: readFileSync(p, "utf8") }));

  it("uses no eval, new Function or vm", () => {
    for (const { p, text } of sources) assert.ok(!/\beval\(|new Function\(|from "node:vm"/.test(text), p);
  });

  it("builds no SQL from strings: raw queries are constant text with $n parameters", () => {
    for (const { p, text } of sources) {
      assert.ok(!/\$(query|execute)RawUnsafe\((?!"SELECT 1")/.test(text), `${p}: $queryRawUnsafe with something but a constant`);
      for (const m of text.matchAll(/\.query(?:<[^>]*>)?\(\s*([`'"])/g)) {
        const rest = text.slice(m.index! + m[0].length - 1, m.index! + m[0].length + 400);
        const literal = rest.slice(0, rest.indexOf(m[1]!, 1) + 1);
        assert.ok(!literal.includes("${"), `${p}: interpolation in a SQL string`);
      }
    }
  });

  it("opens no file named by anything but the code itself", () => {
    const fsUsers = sources.filter(({ text }) => /from "node:fs"|from "fs"/.test(text)).map(({ p }) => p.slice(SRC.length + 1));
    assert.deepEqual(fsUsers, [], "no module under src/ touches the file system");
  });
});
