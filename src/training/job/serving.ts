import { familyNamed } from "../families/index.js";
import type { FormatName, Serving } from "../train/network-serving.js";

/** How a stored model of `type` (Model.type: its spec's type) is served: its family's flavor. */
export function servingOf(type: string): Serving {
  const family = familyNamed(type);
  if (!family) throw new Error(`no model family "${type}" is registered`);
  return family.serving;
}

/** The formats a stored model downloads as, its native one first. */
export const formatsOf = (type: string, topology: object): FormatName[] => familyNamed(type)?.serving.formats(topology) ?? [];
