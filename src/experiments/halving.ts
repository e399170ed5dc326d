import { z } from "zod";
import { ModelSpecSchema, resourceOf } from "../training/index.js";

/** What halving reads and sets of a candidate (trials.ts's CandidatePoint; not imported: the request schema imports this file). */
interface Budgeted {
  key: string;
  name: string;
  model: unknown;
  training?: Record<string, unknown>;
}

/**
 * Successive halving (Jamieson & Talwalkar 2016; the rungs of Hyperband and ASHA, Li et al. 2018
 * and 2020): every point first trains with `minResource` epochs (or boosting rounds); at each rung
 * only the best 1/eta go on, with eta times the resource, up to their own full resource. Rungs run
 * as the experiment's generations: a rung is promoted when all its trials have ended (synchronous
 * halving; ASHA's promotions as each trial ends would need a step per trial).
 */
export const HalvingSchema = z.strictObject({
  minResource: z.number().int().min(1).max(100_000).describe("Epochs (networks) or boosting rounds every point gets in the first rung"),
  eta: z.number().int().min(2).max(10).default(3).describe("Each rung keeps the best 1/eta and gives them eta times the resource"),
});
export type Halving = z.infer<typeof HalvingSchema>;

export type ResourcePath = "training.epochs" | "model.nEstimators";

/** A point's place in the rungs (ExperimentState.halving). */
export const RungPointSchema = z.object({
  key: z.string().describe("The trials' key at this rung"),
  base: z.string().describe("The point's key without its rung"),
  params: z.record(z.string(), z.unknown()),
  resource: z.number().int(),
  full: z.number().int().describe("The point's own resource: it goes no further"),
});
export const HalvingStateSchema = z.object({
  eta: z.number().int(),
  path: z.enum(["training.epochs", "model.nEstimators"]),
  rungs: z.array(z.object({ rung: z.number().int(), points: z.array(RungPointSchema) })),
});
export type HalvingState = z.infer<typeof HalvingStateSchema>;

/** The resource a space's points are budgeted by, or undefined when its family has none (an ELM, a forest). */
export function resourcePathOf(c: Budgeted): ResourcePath | undefined {
  const type = (c.model as { type?: unknown } | undefined)?.type;
  return typeof type === "string" ? resourceOf(type) : undefined;
}

/** The resource a candidate asks for in full: its epochs (or the experiment's, or the default), or its rounds. */
export function fullResource(c: Budgeted, path: ResourcePath, experimentEpochs: number): number {
  if (path === "training.epochs") return Number(c.training?.epochs ?? experimentEpochs);
  return Number((ModelSpecSchema.parse(c.model) as { nEstimators?: number }).nEstimators ?? 100);
}

/** A candidate at a rung, with that rung's resource: its own leaderboard row (a stopped point keeps its partial result). */
export function atRung<C extends Budgeted>(c: C, path: ResourcePath, resource: number, rung: number): C {
  const unit = path === "training.epochs" ? "epochs" : "rounds";
  const model = path === "model.nEstimators" ? { ...(c.model as object), nEstimators: resource } : c.model;
  const training = path === "training.epochs" ? { ...c.training, epochs: resource } : c.training;
  return { ...c, model, training, key: `${c.key}@rung${rung}`, name: `${c.name} [rung ${rung}: ${resource} ${unit}]` };
}

/** Trials a halving search may run in all, from its first rung's count: n + n/eta + n/eta^2 + ... */
export function halvingTrialBound(points: number, eta: number): number {
  let total = 0;
  for (let n = points; n >= 1; n = Math.floor(n / eta)) total += n;
  return total;
}
