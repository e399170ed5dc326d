/** What the install scripts share: finding node-gyp and running a build quietly. */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "..");

export function run(cmd: string, args: string[], cwd: string): void {
  execFileSync(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 << 20 });
}

/**
 * `node-gyp rebuild` in `dir` with npm's own node-gyp, against this Node's headers when they are
 * installed beside it (so nothing is downloaded); extra arguments go to gyp.
 */
export function gypRebuild(dir: string, gypArgs: string[] = []): void {
  const npmRoot = resolve(dirname(process.execPath), "../lib/node_modules/npm");
  const gyp = [join(npmRoot, "node_modules/node-gyp/bin/node-gyp.js"), join(root, "node_modules/node-gyp/bin/node-gyp.js")].find(existsSync);
  if (!gyp) throw new Error("node-gyp not found (it ships with npm)");
  const nodedir = resolve(dirname(process.execPath), "..");
  const local = existsSync(join(nodedir, "include/node/node_api.h")) ? [`--nodedir=${nodedir}`] : [];
  run(process.execPath, [gyp, "rebuild", ...local, ...(gypArgs.length ? ["--", ...gypArgs] : [])], dir);
}

/** Runs an install step: failures are printed, never fatal (the fallback keeps working). */
export function optionalStep(tag: string, step: () => void, cleanup?: () => void): void {
  try {
    step();
  } catch (err) {
    const e = err as Error & { stderr?: Buffer };
    console.log(`[${tag}] not available: ${e.message.split("\n")[0]}${e.stderr ? `\n${e.stderr.toString().slice(-2000)}` : ""}`);
    cleanup?.();
  }
}
