import type { Worker } from "bullmq";
import type { Db } from "../db.js";
import type { TrainPayload } from "../queue.js";

/** What a training process reports as its first progress: who it is. */
export interface TrainingProcessInfo {
  pid: number;
}

const isInfo = (p: unknown): p is TrainingProcessInfo => typeof p === "object" && p !== null && typeof (p as { pid?: unknown }).pid === "number";

/**
 * Kills a training process that runs past MAX_JOB_SECONDS plus a grace period. Training checks
 * its own budget at every batch (and every ELM block), so this only fires when one step cannot
 * be interrupted (a huge solve, a hung kernel): the job is marked failed with `time_limit`
 * first, so the retry BullMQ makes after the kill finds it ended and skips it.
 */
export function startWatchdog(worker: Worker<TrainPayload>, db: Db, limitMs: number, log: (msg: string, extra?: object) => void): () => void {
  const running = new Map<string, { started: number; pid?: number }>();
  worker.on("active", (job) => running.set(job.id!, { started: Date.now() }));
  worker.on("progress", (job, progress) => {
    if (!isInfo(progress)) return;
    // A training process runs one job at a time: an older entry with this pid was deferred or ended.
    for (const [other, e] of running) if (other !== job.id && e.pid === progress.pid) running.delete(other);
    // A process that took longer than the limit to start (a loaded machine loading TensorFlow)
    // reports after its pid-less entry was dropped: it is watched from its report on.
    const entry = running.get(job.id!);
    running.set(job.id!, { started: entry?.started ?? Date.now(), pid: progress.pid });
  });
  const forget = (job?: { id?: string }) => job?.id && running.delete(job.id);
  worker.on("completed", forget);
  worker.on("failed", forget);
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [jobId, entry] of running) {
      if (now - entry.started <= limitMs) continue;
      running.delete(jobId);
      if (entry.pid === undefined) continue; // never claimed (deferred): nothing to stop
      const seconds = Math.round((now - entry.started) / 1000);
      log("killing a training process past its time limit", { jobId, pid: entry.pid, seconds });
      void db.job
        .updateMany({
          where: { id: jobId, status: { in: ["queued", "running"] } },
          data: {
            status: "failed",
            finishedAt: new Date(),
            errorCode: "time_limit",
            errorMessage: `training ran ${seconds} s, past MAX_JOB_SECONDS and its grace period, and was stopped`,
          },
        })
        .catch((err) => log("could not mark job failed", { jobId, error: String(err) }))
        .finally(() => {
          try {
            process.kill(entry.pid!, "SIGKILL");
          } catch {
            // it ended on its own meanwhile
          }
        });
    }
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
