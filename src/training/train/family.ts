import type { PhaseClock } from "../engine/phase-clock.js";
import type { FieldError } from "../../errors.js";
import type { z } from "zod";
import type { DimLimits } from "../spec/param-count.js";
import type { DeclaredInput, InputGroup } from "../spec/network-context.js";
export type { DeclaredInput };
import type { NetworkContext } from "../spec/network-context.js";
import type { Network } from "./network.js";
import type { ResolvedColumns } from "../data/columns.js";
import type { FitHooks } from "../engine/epoch-loop.js";
import type { Selected } from "../data/parts.js";
import type { RequestOf } from "../spec/request.js";
import type { SplitIndices } from "../data/split.js";
import type { TrainOutcome } from "./train-result.js";
import type { NetworkDescription } from "../spec/shape-summary.js";
import type { Serving } from "./network-serving.js";
import type { SearchSpace } from "./search-space.js";
import type { AutoMlEntry } from "./automl-entry.js";

/** What a family's own training entry gets: the selected rows, the split, the hooks. */
export interface FamilyTrainRun<S extends { type: string } = { type: string }> {
  sel: Selected;
  resolved: ResolvedColumns;
  req: RequestOf<S>;
  parts: SplitIndices;
  hooks: FitHooks;
  warnings: string[];
  /** Charges the run's phases (prepare, fit, evaluate, export) for the job's metrics. */
  clock: PhaseClock;
}

/**
 * Everything the service needs to know of one kind of model (Ludwig's `register_model_type`):
 * adding a kind is a file implementing this and one line in `index.ts`. Nothing outside the
 * families branches on `model.type`. `build` loads TensorFlow.js on first use.
 */
export interface ModelFamily<S extends { type: string }, Schema extends z.ZodType = z.ZodType<S>> {
  type: S["type"];
  /** The family's zod schema (versioned by its `specVersion`). */
  schema: Schema;
  /**
   * Steps from each older `specVersion` of this family's specs to the next (Ludwig's upgrade on
   * load): `upgrades[0]` takes a v1 spec to v2, and so on. Empty while the family is at v1.
   */
  upgrades?: Array<(stored: Record<string, unknown>) => Record<string, unknown>>;
  /** The model's inputs, in its input order. */
  inputs(spec: S): DeclaredInput[];
  /** Each layer with the path it was written at and its units, for MAX_LAYERS / MAX_UNITS. */
  layers(spec: S): Array<{ path: string; units?: number }>;
  /** Where "too many layers" is reported. */
  layersPath: string;
  /** Parameters counted from the spec alone, every dimension checked (errors pushed, not thrown). */
  countParams(spec: S, groups: InputGroup[], ctx: NetworkContext, dims: DimLimits, errors: FieldError[]): number;
  /** A dry run without a dataset: the input widths the spec itself gives (or errors asking for them). */
  declaredWidths(spec: S, inputWidth: number | undefined, errors: FieldError[]): Array<{ name: string; width: number }>;
  /** Checks of the rest of the request that this family adds. */
  checkRequest?(req: { crossValidation?: unknown; training?: { loss?: string; device?: string } }): FieldError[];
  /**
   * Why this server cannot train or serve the family (a library missing, with the package that
   * provides it), or undefined. Job creation answers 409 with it; other families are unaffected.
   */
  unavailable?(): string | undefined;
  /**
   * Takes the process's configuration (config.ts's values) before the family is used: the family
   * reads its own keys (a library's path, its threads). Called by every process that trains,
   * serves or exports (`configureFamilies`).
   */
  configure?(config: Readonly<Record<string, unknown>>): void;
  /** Steps a job's progress counts: epochs by default (per CV fold and the refit). */
  plannedSteps?(spec: S): number;
  /**
   * A training entry of the family's own, for models not fitted by gradient descent (the ELM);
   * without one, the job trains the built network with the epoch loop (train-job.ts).
   */
  train?(run: FamilyTrainRun<S>): Promise<TrainOutcome>;
  /**
   * Models whose cost grows with the rows squared or that keep the rows (SVM, kNN): job creation
   * refuses datasets over MAX_KERNEL_ROWS for them.
   */
  keepsRows?: boolean;
  /**
   * The Keras-style summary from the spec's shapes alone (shape-summary.ts): no tensor, no
   * initializer, since the API describes every spec it is sent. Throws SpecError as `build` would.
   */
  describe(spec: S, groups: InputGroup[], ctx: NetworkContext): NetworkDescription | Promise<NetworkDescription>;
  /** Search spaces it offers experiments, by `space.type` (e.g. sequential's "mlp"). */
  spaces?: Record<string, SearchSpace>;
  /**
   * The request field that budgets one fit, for successive halving (a trial trains with less of
   * it first; only the best go on with more): `training.epochs` for networks, a booster's rounds.
   */
  resource?: "training.epochs" | "model.nEstimators";
  /** Its portfolio candidates and search space for AutoML experiments (none: AutoML leaves it out). */
  automl?: AutoMlEntry;
  /** The formats of its trained models, how they load to predict and how they export loaded to predict and exported (its flavor). */
  serving: Serving;
  /** The tfjs network over the input groups, with an output fitting the target. */
  build(spec: S, groups: InputGroup[], ctx: NetworkContext): Promise<Network>;
}
