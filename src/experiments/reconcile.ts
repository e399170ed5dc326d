import type { Queue } from "bullmq";
import type { Db } from "../db.js";
import { stepJobId } from "./trials.js";

/**
 * Experiments whose current step Redis does not know (it lost its data) get their generation's
 * flow added again: the unfinished trials and the step that follows them. Returns their ids.
 */
export async function reconcileExperiments(
  db: Db,
  steps: Queue,
  ensure: (exp: { id: string; tenant: string; generation: number }) => Promise<void>,
  olderThanMs = 5_000,
): Promise<string[]> {
  const open = await db.experiment.findMany({
    where: { status: { in: ["queued", "running"] }, createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true, tenant: true, generation: true },
  });
  const requeued: string[] = [];
  for (const exp of open) {
    if (await steps.getJob(stepJobId(exp.id, exp.generation))) continue;
    await db.job.updateMany({ where: { experimentId: exp.id, status: "running" }, data: { status: "queued" } });
    await ensure(exp);
    requeued.push(exp.id);
  }
  return requeued;
}
