/**
 * XGBoost's C library through our binding (native/xgboost, built at install against Debian's
 * libxgboost-dev). The binding opens libxgboost on first use: where either is missing, the
 * family is unavailable and says which package to install; nothing else depends on it.
 */
import { createRequire } from "node:module";
import { z } from "zod";
import { fileURLToPath } from "node:url";

/** A DMatrix or booster held by the binding (freed by `free` or when collected). */
export type Handle = object & { readonly __xgb: unique symbol };

export interface XgbBinding {
  open(path?: string): string | null;
  version(): string;
  dmatrix(x: Float32Array, rows: number, cols: number, label: Float32Array | null, weight: Float32Array | null, threads: number): Handle;
  booster(dmats: Handle[], params: Array<[string, string]>): Handle;
  load(bytes: Uint8Array, params: Array<[string, string]>): Handle;
  update(b: Handle, iteration: number, dtrain: Handle): void;
  evaluate(b: Handle, iteration: number, dmats: Handle[], names: string[]): string;
  /** type 0: values, 1: margins, 2: TreeSHAP contributions; iterationEnd 0: every round. */
  predict(b: Handle, d: Handle, type: 0 | 1 | 2, iterationEnd: number): { values: Float32Array; shape: number[] };
  save(b: Handle, format: "ubj" | "json"): Buffer;
  slice(b: Handle, begin: number, end: number): Handle;
  rounds(b: Handle): number;
  setAttr(b: Handle, key: string, value: string | null): void;
  getAttr(b: Handle, key: string): string | null;
  free(h: Handle): void;
}

/** XGBOOST_THREADS and XGBOOST_LIBRARY (config.ts), set once per process. */
const settings = { threads: 1, library: "libxgboost.so.0" };
const SettingsSchema = z.object({ XGBOOST_THREADS: z.number().int().min(1), XGBOOST_LIBRARY: z.string().min(1) });

/** ModelFamily.configure: this family's keys of the process's configuration. */
export function configureXgboost(config: Readonly<Record<string, unknown>>): void {
  const s = SettingsSchema.parse(config);
  settings.threads = s.XGBOOST_THREADS;
  if (s.XGBOOST_LIBRARY !== settings.library && loaded && "missing" in loaded) loaded = undefined; // asked again with the new path
  settings.library = s.XGBOOST_LIBRARY;
}

export const xgboostThreads = (): number => settings.threads;

let loaded: { binding: XgbBinding } | { missing: string } | undefined;

function load(): { binding: XgbBinding } | { missing: string } {
  let binding: XgbBinding;
  try {
    binding = createRequire(import.meta.url)(fileURLToPath(new URL("../../../../native/xgboost/build/Release/treino_xgboost.node", import.meta.url)));
  } catch {
    return { missing: "XGBoost is not installed on this server: apt-get install libxgboost-dev, then npm run native:build" };
  }
  const why = binding.open(settings.library);
  if (why) return { missing: `XGBoost's library could not be opened (${why}): apt-get install libxgboost0 (Debian), or set XGBOOST_LIBRARY` };
  return { binding };
}

/** Why the family cannot train or serve here (which package to install), or undefined when it can. */
export function xgboostMissing(): string | undefined {
  loaded ??= load();
  return "missing" in loaded ? loaded.missing : undefined;
}

/** The binding; throws the install hint where it is missing. */
export function xgb(): XgbBinding {
  loaded ??= load();
  if ("missing" in loaded) throw new Error(loaded.missing);
  return loaded.binding;
}
