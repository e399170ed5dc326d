import { DelayedError } from "bullmq";
import { isDatabaseUnavailable } from "../db.js";

/** How long a worker waits before it tries again a job or step that met Postgres down. */
export const DB_RETRY_MS = 3_000;

/**
 * When `err` means Postgres is unreachable (a restart), puts the BullMQ job back, delayed by
 * DB_RETRY_MS, without spending one of its attempts, and throws BullMQ's DelayedError; otherwise
 * returns and the caller rethrows as before. Shared by training jobs and experiment steps.
 */
export async function delayWhileDatabaseDown(
  err: unknown,
  job: { moveToDelayed(timestamp: number, token?: string): Promise<void> },
  token: string | undefined,
  log: (msg: string, extra?: object) => void,
): Promise<void> {
  if (!isDatabaseUnavailable(err)) return;
  log("database unavailable: tried again shortly", { error: (err as Error).message, retryInMs: DB_RETRY_MS });
  await job.moveToDelayed(Date.now() + DB_RETRY_MS, token);
  throw new DelayedError();
}
