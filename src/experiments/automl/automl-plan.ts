import type { Config } from "../../config.js";
import type { Db } from "../../db.js";
import { AppError } from "../../errors.js";
import { planJob } from "../../jobs/job-plan.js";
import { readProfiles } from "../../tables/profile.js";
import { JobRequestSchema, SpecError, type TableFacts } from "../../training/index.js";
import type { AutomlRequest } from "../experiment-request.js";
import type { ExperimentState } from "../experiment-view.js";
import { planTrials, type PlannedTrial } from "../trials.js";
import type { AutomlCandidateState, AutomlState } from "./automl-state.js";
import { entrants, portfolio, type AutomlPoint } from "./portfolio.js";
import { resourcePathOf } from "../halving.js";

/**
 * How candidates are scored, by table size: k-fold CV while the rows are few enough that one
 * split's score would be noise (and the ensemble needs every row's out-of-fold prediction), a
 * holdout when a fifth of the rows is already a steady score and k fits would eat the budget.
 */
const CV5_ROWS = 5000;
const CV3_ROWS = 20_000;

function evaluationFor(req: AutomlRequest, rows: number): { stored: Partial<AutomlRequest>; evaluation: string; why: string } {
  if (req.crossValidation)
    return { stored: {}, evaluation: `${req.crossValidation.folds}-fold cross-validation`, why: "as the request asked (crossValidation)" };
  if (rows <= CV5_ROWS)
    return {
      stored: { crossValidation: { folds: 5, stratify: true } },
      evaluation: "5-fold cross-validation",
      why: `${rows} rows (at most ${CV5_ROWS}): every row is scored once, out of fold, and the folds give the t-test its spread`,
    };
  if (rows <= CV3_ROWS)
    return {
      stored: { crossValidation: { folds: 3, stratify: true } },
      evaluation: "3-fold cross-validation",
      why: `${rows} rows (${CV5_ROWS + 1}-${CV3_ROWS}): three folds keep the out-of-fold predictions at a third of five folds' cost`,
    };
  return {
    stored: { split: { ...req.split, test: 0.2, validation: 0 } },
    evaluation: "holdout of 20%",
    why: `${rows} rows (over ${CV3_ROWS}): a fifth of them scores steadily, and k-fold fits would spend the budget k times`,
  };
}

/** The winner's explanation's time: 5% of a seconds budget (2-10 s), 10 s without one. */
export const explainSeconds = (budget?: number) => (budget === undefined ? 10 : Math.min(10, Math.max(2, budget * 0.05)));

/** Time kept at the end of a seconds budget: the ensemble and the report (5%, 2 s at least), and the explanation. */
export const reserveMs = (seconds: number) => Math.max(2000, seconds * 50) + explainSeconds(seconds) * 1000;

/** Candidates planned per search round. */
export const ROUND_SIZE = 4;

/**
 * The latest start of a point's trials: a family that stops at its next epoch or round may start
 * until the deadline; one that cannot stop mid-fit (a forest, an SVM) not later than its trials'
 * time so far (with a fifth more) before it, so it does not overrun the budget.
 */
function startBy(p: AutomlPoint, deadline: number, took: ReadonlyMap<string, number>): number | undefined {
  const ms = took.get(p.family);
  return ms !== undefined && !resourcePathOf(p) ? deadline - 1.2 * ms : undefined;
}

/**
 * Plans each point as the trials it becomes (the checks of POST /v1/jobs). A point the limits
 * refuse (an SVM on too many rows, a network over MAX_TRAINING_BYTES) is recorded with its error
 * and never trains, instead of refusing the whole experiment.
 */
export async function planPoints(
  db: Db,
  config: Config,
  tenant: string,
  req: AutomlRequest,
  points: AutomlPoint[],
  generation: number,
  deadline: number | null,
  /** How long a trial of each family took so far in this experiment (ms), for those that cannot stop mid-fit. */
  took: ReadonlyMap<string, number> = new Map(),
): Promise<{ trials: PlannedTrial[]; candidates: AutomlCandidateState[] }> {
  const trials: PlannedTrial[] = [];
  const candidates: AutomlCandidateState[] = [];
  for (const p of points) {
    const state: AutomlCandidateState = {
      key: p.key,
      name: p.name,
      family: p.family,
      generation,
      model: p.model,
      training: p.training,
      validation: p.validation,
      ...(p.rungs ? { rungs: p.rungs } : {}),
    };
    const by = deadline !== null ? startBy(p, deadline, took) : undefined;
    try {
      const planned = await planTrials(db, config, tenant, req, [{ ...p, split: { validation: p.validation } }], generation, () => p.name, {
        trial: { keep: true, ...(deadline !== null ? { deadline } : {}), ...(by !== undefined ? { startBy: by } : {}) },
        leaks: false,
      });
      trials.push(...planned.trials);
    } catch (err) {
      if (!(err instanceof SpecError || err instanceof AppError) || (err instanceof AppError && err.code !== "validation_failed" && err.code !== "conflict"))
        throw err;
      state.error = err.message;
    }
    candidates.push(state);
  }
  return { trials, candidates };
}

/**
 * An AutoML request made ready to record: its data checked once (the floor model as a probe, with
 * the leak check), the evaluation chosen by the table's size, the portfolio planned as generation 0.
 */
export async function planAutoml(
  db: Db,
  config: Config,
  tenant: string,
  req: AutomlRequest,
): Promise<{ stored: AutomlRequest; state: ExperimentState; trials: PlannedTrial[] }> {
  if ((req.budget.seconds ?? 0) > config.MAX_AUTOML_SECONDS)
    throw new AppError(
      "validation_failed",
      `budget.seconds is ${req.budget.seconds}, the most an AutoML experiment may ask is ${config.MAX_AUTOML_SECONDS} (MAX_AUTOML_SECONDS)`,
      [{ path: "budget.seconds", message: `at most ${config.MAX_AUTOML_SECONDS}` }],
    );
  const { entrants: list, warnings: left } = entrants(req.families);
  const probe = JobRequestSchema.safeParse({ ...pickData(req), model: { type: "majority" } });
  if (!probe.success) throw SpecError.of(probe.error.issues.filter((e) => e.path[0] !== "model").map((e) => ({ path: e.path.join("."), message: e.message })));
  const plan = await planJob(db, config, tenant, probe.data);
  const target = readProfiles(plan.dataset.columns).find((c) => c.name === req.target);
  const facts: TableFacts = {
    task: plan.resolved.task,
    rows: plan.dataset.rows,
    features: plan.resolved.features.length,
    classes: plan.resolved.task === "classification" ? (target?.distinct ?? 2) : 0,
  };
  if (facts.task === "regression" && req.metric && !["r2", "rmse", "mae"].includes(req.metric))
    throw new AppError("validation_failed", `metric ${req.metric} is for classification; this target is numeric: use r2, rmse or mae`, [
      { path: "metric", message: "not a regression metric" },
    ]);
  if (facts.task === "classification" && req.metric && ["r2", "rmse", "mae"].includes(req.metric))
    throw new AppError("validation_failed", `metric ${req.metric} is for regression; this target is a class`, [
      { path: "metric", message: "not a classification metric" },
    ]);
  const ev = evaluationFor(req, facts.rows);
  const stored: AutomlRequest = { ...req, ...ev.stored, training: { ...req.training, seed: req.seed } };
  const folds = stored.crossValidation?.folds ?? 1;
  const maxCandidates = Math.min(req.budget.trials ?? Infinity, Math.floor(config.MAX_EXPERIMENT_TRIALS / folds));
  if (maxCandidates < 1)
    throw new AppError("validation_failed", `one candidate on ${folds} folds is over MAX_EXPERIMENT_TRIALS (${config.MAX_EXPERIMENT_TRIALS})`, [
      { path: "budget", message: "too few trials allowed" },
    ]);
  const seconds = req.budget.seconds;
  const deadline = seconds ? Date.now() + seconds * 1000 - reserveMs(seconds) : null;
  const points = portfolio(list, facts).slice(0, maxCandidates);
  const { trials, candidates } = await planPoints(db, config, tenant, stored, points, 0, deadline);
  if (!trials.length) {
    const why = candidates.map((c) => `${c.name}: ${c.error}`).join("; ");
    throw new AppError("validation_failed", `no candidate of the portfolio can train on this table: ${why}`, [
      { path: "families", message: "nothing can train" },
    ]);
  }
  const refused = candidates.filter((c) => c.error).map((c) => `${c.name} left out: ${c.error}`);
  const automl: AutomlState = {
    evaluation: ev.evaluation,
    why: ev.why,
    facts,
    budget: { seconds, trials: req.budget.trials },
    deadline,
    maxCandidates: Number.isFinite(maxCandidates) ? maxCandidates : config.MAX_EXPERIMENT_TRIALS,
    candidates,
    rounds: [{ generation: 0, startedAt: Date.now(), candidates: candidates.length - refused.length }],
    phase: "portfolio",
  };
  return { stored, state: { task: facts.task, warnings: [...plan.warnings, ...left, ...refused], automl }, trials };
}

function pickData(req: AutomlRequest) {
  const { datasetId, target, features, ignore, task, columns, preprocessing, split, training } = req;
  return { datasetId, target, features, ignore, task, columns, preprocessing, split, training };
}
