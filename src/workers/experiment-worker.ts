import { Worker, type Job } from "bullmq";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { delayWhileDatabaseDown } from "./db-retry.js";
import { Queue } from "bullmq";
import { runExperimentStep } from "../experiments/experiment-step.js";
import { ensureQueued } from "../experiments/trials.js";
import { reconcileExperiments } from "../experiments/reconcile.js";
import type { ExplainInput } from "../experiments/step-context.js";
import { explainWinner } from "../models/explain-winner.js";
import { createFlowProducer, EXPERIMENT_QUEUE, redisConnection, type ExperimentPayload, bullPrefix } from "../queue.js";

/**
 * Consumes experiment steps: light work (reading trial results, breeding a generation, drawing the
 * report's plots) done in the worker process itself, beside its sandboxed training processes.
 */
export function startExperimentWorker(config: Config, db: Db, log: (msg: string, extra?: object) => void, ended?: (experimentId: string) => Promise<void>) {
  const flows = createFlowProducer(config, (err) => log("flow producer error", { error: err.message }));
  // An AutoML winner is explained here (models/ loads models; experiments/ may not import it).
  const ctx = { db, config, flows, log, ended, explain: (input: ExplainInput) => explainWinner(db, config, input) };
  const steps = new Queue(EXPERIMENT_QUEUE, { connection: redisConnection(config, "producer"), prefix: bullPrefix(config) });
  steps.on("error", (err) => log("experiment queue error", { error: err.message }));
  const step = async (job: Job<ExperimentPayload>, token?: string) => {
    try {
      return await runExperimentStep(ctx, job.data.experimentId, job.data.generation);
    } catch (err) {
      await delayWhileDatabaseDown(err, job, token, (msg, extra) => log(`experiment step: ${msg}`, { experimentId: job.data.experimentId, ...extra }));
      throw err;
    }
  };
  const worker = new Worker<ExperimentPayload>(EXPERIMENT_QUEUE, step, {
    connection: redisConnection(config, "worker"),
    prefix: bullPrefix(config),
    concurrency: 2,
  });
  worker.on("failed", (job, err) =>
    log("experiment step failed", { experimentId: job?.data.experimentId, attemptsMade: job?.attemptsMade, error: err.message }),
  );
  worker.on("error", (err) => log("experiment worker error", { error: err.message }));
  return {
    worker,
    /** Experiments whose current generation Redis lost get their flow again (at start and every RECONCILE_INTERVAL_MS). */
    reconcile: () => reconcileExperiments(db, steps, (exp) => ensureQueued(ctx, exp)),
    close: async () => {
      await worker.close();
      await Promise.all([flows.close(), steps.close()]);
    },
  };
}
