import { AppError } from "../../errors.js";
import { FAMILIES, mulberry32, unavailableFamilies, type AutoMlCandidate, type AutoMlEntry, type TableFacts } from "../../training/index.js";
import { keyOf, nameOf, sample, SpaceSchema, specOf } from "../space.js";
import { atRung, fullResource, resourcePathOf } from "../halving.js";
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
  /** A draw trained in rungs (successive halving): its key and name without the rung, its rung, resource and full resource. */
  rungs?: Rungs;
}

export interface Rungs {
  base: string;
  baseName: string;
  rung: number;
  resource: number;
  full: number;
}

/** Halving's eta in AutoML's rounds: a draw first trains with 1/9 of its epochs (or rounds); the best third of each rung goes on. */
export const AUTOML_ETA = 3;

/** A draw of a family trained in steps starts at its first rung, with 1/eta^2 of its resource. */
function firstRung(p: AutomlPoint): AutomlPoint {
  const path = resourcePathOf(p);
  if (!path) return p;
  const full = fullResource(p, path, 20);
  const resource = Math.max(1, Math.round(full / AUTOML_ETA ** 2));
  if (resource >= full) return p;
  return { ...atRung(p, path, resource, 0), rungs: { base: p.key, baseName: p.name, rung: 0, resource, full } };
}

/**
 * ASHA's promotions (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys
 * 2020): a candidate goes on to the next rung, with eta times its resource, once it is in the top
 * 1/eta of the candidates its rung has finished. `rank` holds the finished ones' leaderboard ranks.
 */
export function promotions(candidates: Array<AutomlPoint & { promoted?: boolean }>, rank: ReadonlyMap<string, number>, count: number): AutomlPoint[] {
  const out: AutomlPoint[] = [];
  const rungs = [...new Set(candidates.flatMap((c) => (c.rungs ? [c.rungs.rung] : [])))].sort((a, b) => b - a); // the highest rung first
  for (const r of rungs) {
    const finished = candidates.filter((c) => c.rungs?.rung === r && rank.has(c.key)).sort((a, b) => rank.get(a.key)! - rank.get(b.key)!);
    for (const c of finished.slice(0, Math.floor(finished.length / AUTOML_ETA))) {
      if (out.length >= count) return out;
      const g = c.rungs!;
      if (c.promoted || g.resource >= g.full) continue;
      const resource = Math.min(g.full, g.resource * AUTOML_ETA);
      const base = { ...c, key: g.base, name: g.baseName };
      out.push({ ...atRung(base, resourcePathOf(c)!, resource, r + 1), rungs: { ...g, rung: r + 1, resource } });
    }
  }
  return out;
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
    out.push(
      firstRung({
        ...asPoint(s.type, { name, model: spec.model, training: { ...s.training, ...spec.training }, validation: s.validation }, key),
        params,
      }),
    );
  }
  return out;
}
