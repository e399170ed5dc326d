import { FAMILIES, familyNamed } from "../families/index.js";
import type { FormatName, Serving } from "../train/network-serving.js";

/** How a stored model of `type` (Model.type: its spec's type) is served: its family's flavor. */
export function servingOf(type: string): Serving {
  const family = familyNamed(type);
  if (!family) throw new Error(`no model family "${type}" is registered`);
  return family.serving;
}

/** The formats a stored model downloads as, its native one first. */
export const formatsOf = (type: string, topology: object): FormatName[] => familyNamed(type)?.serving.formats(topology) ?? [];

/** Hands every family the process's configuration (each reads its own keys): once per process, before use. */
export function configureFamilies(config: Readonly<Record<string, unknown>>): void {
  for (const f of Object.values(FAMILIES)) f.configure?.(config);
}

/** The families this server cannot train, with why (which package to install). */
export function unavailableFamilies(): Array<{ type: string; why: string }> {
  return Object.values(FAMILIES).flatMap((f) => {
    const why = f.unavailable?.();
    return why ? [{ type: f.type, why }] : [];
  });
}

/** The request field successive halving budgets for a model type (epochs, a booster's rounds), if any. */
export const resourceOf = (type: string): "training.epochs" | "model.nEstimators" | undefined => familyNamed(type)?.resource;

/** The model types whose predictions /predict can explain (for messages: the registry, not a list). */
export const explainingFamilies = (): string[] => Object.values(FAMILIES).flatMap((f) => (f.serving.explains ? [f.type] : []));
