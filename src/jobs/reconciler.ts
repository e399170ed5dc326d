import type { Queue } from "bullmq";
import type { Db } from "../db.js";
import type { Device, TrainPayload } from "../queue.js";
import { readStoredRequest } from "../training/index.js";

/**
 * Postgres is the source of truth for jobs; Redis only carries work and may lose it (this
 * service's Redis keeps nothing on disk). Every job Postgres says is queued or running but
 * BullMQ does not know is queued again, under its own id (so a duplicate add is a no-op); a
 * running one goes back to `queued` and resumes from its checkpoint. Returns the re-queued ids.
 */
export async function reconcileQueue(db: Db, queue: Queue<TrainPayload>, device: Device = "cpu", olderThanMs = 5_000): Promise<string[]> {
  const open = await db.job.findMany({
    // An experiment's trials are re-queued with their flow (reconcileExperiments), not alone.
    where: { status: { in: ["queued", "running"] }, experimentId: null, createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true, tenant: true, status: true, spec: true },
  });
  const requeued: string[] = [];
  for (const job of open) {
    // Each device's workers look after their own queue's jobs.
    if (readStoredRequest(job.spec).training.device !== device) continue;
    if (await queue.getJob(job.id)) continue;
    if (job.status === "running") await db.job.updateMany({ where: { id: job.id, status: "running" }, data: { status: "queued" } });
    await queue.add("train", { jobId: job.id, tenant: job.tenant }, { jobId: job.id });
    requeued.push(job.id);
  }
  return requeued;
}
