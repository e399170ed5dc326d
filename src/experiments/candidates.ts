import { mulberry32 } from "../training/index.js";
import type { CompareRequest, SearchRequest } from "./experiment-request.js";
import { LOWER_IS_BETTER } from "./experiment-request.js";
import { crossover, grid, gridSize, keyOf, mutate, nameOf, sampleDistinct, specOf, type Individual } from "./space.js";
import type { CandidatePoint } from "./trials.js";
import { halvingTrialBound } from "./halving.js";

export const DEFAULT_RANDOM_TRIALS = 20;

/** Trials an experiment will run in all (candidates x folds, every generation), known before any is made. */
export function plannedTrialCount(req: CompareRequest | SearchRequest): number {
  const folds = req.crossValidation?.folds ?? 1;
  if (req.kind === "compare") return req.candidates.length * folds;
  const halve = (n: number) => (req.halving ? halvingTrialBound(n, req.halving.eta) : n);
  if (req.method === "grid") return halve(gridSize(req.space)) * folds;
  if (req.method === "random") return halve(req.trials ?? DEFAULT_RANDOM_TRIALS) * folds;
  const g = geneticSettings(req);
  return g.population * g.generations * folds;
}

export const geneticSettings = (req: SearchRequest) => ({
  population: 8,
  generations: 5,
  tournament: 3,
  crossover: 0.9,
  mutation: 0.2,
  elitism: 1,
  ...req.genetic,
});

export const pointOf = (req: SearchRequest, params: Individual): CandidatePoint => ({
  name: nameOf(params, req.space) || "the only point",
  key: keyOf(params),
  params,
  ...specOf(req.space, params),
});

/** Generation 0: the compare's candidates, the grid, the random draws, or the first population. */
export function firstCandidates(req: CompareRequest | SearchRequest): CandidatePoint[] {
  if (req.kind === "compare")
    return req.candidates.map((c) => ({ name: c.name, key: c.name, model: c.model, training: c.training, preprocessing: c.preprocessing }));
  const points =
    req.method === "grid"
      ? grid(req.space)
      : sampleDistinct(req.space, req.method === "random" ? (req.trials ?? DEFAULT_RANDOM_TRIALS) : geneticSettings(req).population, req.seed);
  return points.map((p) => pointOf(req, p));
}

/**
 * The next population of a genetic search (Goldberg, Genetic Algorithms, 1989): the `elitism`
 * best carried over, the rest children of tournament winners, crossed over and mutated. The
 * random draws are seeded by the search's seed and the generation, so a search repeats exactly.
 * `fitness` is the ranking metric's mean (null for a failed point, which loses every tournament).
 */
export function nextPopulation(req: SearchRequest, population: Individual[], fitness: (ind: Individual) => number | null, generation: number): Individual[] {
  const g = geneticSettings(req);
  const random = mulberry32((req.seed * 1_000_003 + generation * 7919) >>> 0);
  const sign = req.metric && LOWER_IS_BETTER.has(req.metric) ? -1 : 1;
  const value = (ind: Individual) => {
    const f = fitness(ind);
    return f === null ? -Infinity : sign * f;
  };
  const ranked = [...population].sort((a, b) => value(b) - value(a));
  const next: Individual[] = ranked.slice(0, Math.min(g.elitism, ranked.length));
  const seen = new Set(next.map(keyOf));
  const tournament = () => {
    let best = population[Math.floor(random() * population.length)]!;
    for (let i = 1; i < g.tournament; i++) {
      const other = population[Math.floor(random() * population.length)]!;
      if (value(other) > value(best)) best = other;
    }
    return best;
  };
  for (let tries = 0; next.length < g.population && tries < g.population * 30; tries++) {
    const a = tournament();
    const b = tournament();
    let child = random() < g.crossover ? crossover(req.space, a, b, random) : { ...a };
    child = mutate(req.space, child, g.mutation, random);
    // A child the population already has is mutated again rather than trained twice.
    if (seen.has(keyOf(child))) child = mutate(req.space, child, Math.max(g.mutation, 0.5), random);
    if (seen.has(keyOf(child)) && tries < g.population * 20) continue;
    seen.add(keyOf(child));
    next.push(child);
  }
  return next;
}
