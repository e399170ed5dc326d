import { tf } from "./tf.js";

export type BackendPreference = "auto" | "tensorflow" | "wasm" | "cpu";

interface Candidate {
  label: string;
  backend: string;
  load: () => Promise<unknown>;
}

// Optional packages are imported by a computed name so that their absence is a runtime fact,
// not a compile error: tfjs-node(-gpu) cannot be installed where libtensorflow can't be downloaded.
const optional = (pkg: string) => () => import(pkg);

const CANDIDATES: Record<Exclude<BackendPreference, "auto">, Candidate[]> = {
  tensorflow: [
    { label: "tensorflow-gpu", backend: "tensorflow", load: optional("@tensorflow/tfjs-node-gpu") },
    { label: "tensorflow", backend: "tensorflow", load: optional("@tensorflow/tfjs-node") },
  ],
  wasm: [{ label: "wasm", backend: "wasm", load: () => import("@tensorflow/tfjs-backend-wasm") }],
  cpu: [{ label: "cpu", backend: "cpu", load: () => import("@tensorflow/tfjs-backend-cpu") }],
};

let selected: Promise<string> | undefined;

/**
 * Picks the compute once per process: `auto` tries libtensorflow on a GPU, then on the CPU, then
 * WebAssembly, then plain JS. An explicit preference that cannot load is an error, not a silent
 * fallback. Resolves to the label recorded on jobs (e.g. `wasm`, `tensorflow-gpu`).
 */
export function initBackend(preference: BackendPreference): Promise<string> {
  selected ??= select(preference);
  return selected;
}

async function select(preference: BackendPreference): Promise<string> {
  const order = preference === "auto" ? [...CANDIDATES.tensorflow, ...CANDIDATES.wasm, ...CANDIDATES.cpu] : CANDIDATES[preference];
  const failures: string[] = [];
  for (const c of order) {
    try {
      await c.load();
      if (await tf.setBackend(c.backend)) {
        await tf.ready();
        return c.label;
      }
      failures.push(`${c.label}: backend did not initialize`);
    } catch (err) {
      failures.push(`${c.label}: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(`TFJS_BACKEND=${preference}: no backend could start (${failures.join("; ")})`);
}
