// The integration tier's files, in the order they run (`npm run test:integration`).
//   node scripts/test-files.mjs side    files that own their data: run three at a time
//   node scripts/test-files.mjs serial  files that stop services, hold the API's loop to a budget or load it: one at a time
// The side-by-side files start longest first (durations of the last clean-clone run, README: Tests):
// started last, a two-minute file alone keeps one core busy after the others have finished.
import { readdirSync } from "node:fs";

const SERIAL = ["restarts", "hardening-specs", "hardening-requests", "model-limits", "model-storage", "upload-bounds", "load"];
const LONGEST_FIRST = [
  "worker-faults",
  "spotify-compare",
  "export",
  "automl",
  "worker-memory",
  "cli",
  "examples",
  "experiments",
  "xgboost",
  "experiment-faults",
];

const names = readdirSync(new URL("../test/", import.meta.url))
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -".test.ts".length))
  .sort();
const rank = (n) => (LONGEST_FIRST.includes(n) ? LONGEST_FIRST.indexOf(n) : LONGEST_FIRST.length);
const side = names.filter((n) => !SERIAL.includes(n)).sort((a, b) => rank(a) - rank(b));
const serial = names.filter((n) => SERIAL.includes(n));
const which = process.argv[2];
if (which !== "side" && which !== "serial") {
  console.error("usage: node scripts/test-files.mjs side|serial");
  process.exit(2);
}
console.log((which === "side" ? side : serial).map((n) => `test/${n}.test.ts`).join("\n"));
