import { AppError } from "../../errors.js";
import { FAMILIES, mulberry32, unavailableFamilies, type AutoMlCandidate, type AutoMlEntry, type TableFacts } from "../../training/index.js";
import { keyOf, nameOf, sample, SpaceSchema, specOf } from "../space.js";
import type { CandidatePoint } from "../trials.js";

/** A family taking part: its type and what it offers AutoML. */
interface Entrant {
  type: string;
  automl: AutoMlEntry;
}

/**
 * The families an AutoML request considers: those it names (else every one with an AutoML entry),
 * less the ones this server cannot run. A named family that does not take part is a 400 naming it.
 */
export function entrants(families: string[] | undefined): { entrants: Entrant[]; warnings: string[] } {
  const offered = Object.values(FAMILIES).flatMap((f) => (f.automl ? [{ type: f.type as string, automl: f.automl }] : []));
  const missing = new Map(unavailableFamilies().map((u) => [u.type, u.why]));
  const warnings: string[] = [];
  if (families) {
    const errors = families.flatMap((name, i) =>
      offered.some((e) => e.type === name)
        ? []
        : [{ path: `families[${i}]`, message: `"${name}" takes no part in AutoML: use ${offered.map((e) => e.type).join(", ")}` }],
    );
    if (errors.length) throw new AppError("validation_failed", errors[0]!.message, errors);
  }
  const chosen = offered.filter((e) => !families || families.includes(e.type));
  for (const e of chosen) if (missing.has(e.type)) warnings.push(`${e.type} left out: ${missing.get(e.type)}`);
  const running = chosen.filter((e) => !missing.has(e.type));
  if (!running.length) throw new AppError("conflict", `none of the families asked for can run on this server: ${warnings.join("; ")}`);
  return { entrants: running, warnings };
}

/** An AutoML candidate as an experiment's point: its family and a key that names it across generations. */
export interface AutomlPoint extends CandidatePoint {
  family: string;
  validation: number;
}

const asPoint = (family: string, c: AutoMlCandidate, key: string): AutomlPoint => ({
  name: c.name,
  key,
  family,
  model: c.model,
  training: c.training,
  validation: c.validation ?? 0,
});

/** The portfolio (generation 0): every entrant's defaults for this table, in the families' order. */
export function portfolio(list: Entrant[], facts: TableFacts): AutomlPoint[] {
  return list.flatMap((e) => e.automl.portfolio(facts).map((c) => asPoint(e.type, c, `${e.type}:${c.name}`)));
}

/**
 * The next generation's draws: `count` points from the spaces of the families that lead (the
 * best first: it gets every other draw), each new to the experiment (`known` keys). Draws are
 * seeded by the experiment's seed and the generation, so a trial-budgeted run repeats exactly.
 */
export function proposals(
  list: Entrant[],
  facts: TableFacts,
  leaders: string[],
  count: number,
  known: ReadonlySet<string>,
  seed: number,
  generation: number,
): AutomlPoint[] {
  const spaces = leaders.flatMap((type) => {
    const found = list.find((e) => e.type === type)?.automl.search?.(facts);
    return found ? [{ type, ...found, space: SpaceSchema.parse(found.space) }] : [];
  });
  if (!spaces.length || count <= 0) return [];
  // The leader draws half the points, the others share the rest in their order.
  const turns = spaces.length === 1 ? [0] : [0, ...spaces.slice(1).flatMap((_, i) => [0, i + 1])];
  const random = mulberry32((seed * 2_654_435_761 + generation * 40_503) >>> 0);
  const out: AutomlPoint[] = [];
  const seen = new Set(known);
  for (let tries = 0; out.length < count && tries < count * 40; tries++) {
    const s = spaces[turns[out.length % turns.length]!]!;
    const params = sample(s.space, random);
    const key = `${s.type}:${keyOf(params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const spec = specOf(s.space, params);
    const name = `${s.type} ${nameOf(params, s.space)}`;
    out.push({
      ...asPoint(s.type, { name, model: spec.model, training: { ...s.training, ...spec.training }, validation: s.validation }, key),
      params,
    });
  }
  return out;
}
