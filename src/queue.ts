import { Queue, type ConnectionOptions } from "bullmq";
import type { Config } from "./config.js";

/** What a training queue entry carries: the job row's id (Postgres has the rest) and its tenant. */
export interface TrainPayload {
  jobId: string;
  tenant: string;
}

/** Each queue's name and payload (immich-style typed job map); one queue today. */
export interface QueuePayloads {
  train: TrainPayload;
}
export const TRAIN_QUEUE: keyof QueuePayloads = "train";

/** Connection options for BullMQ from `REDIS_URL`. */
export function redisConnection(config: Config, role: "producer" | "worker"): ConnectionOptions {
  const url = new URL(config.REDIS_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    // BullMQ "going to production": workers must retry forever, producers should fail fast.
    maxRetriesPerRequest: role === "worker" ? null : 1,
    enableOfflineQueue: role === "worker",
  };
}

/** The producer side of the training queue, as the API uses it. */
export function createTrainQueue(config: Config): Queue<TrainPayload> {
  return new Queue<TrainPayload>(TRAIN_QUEUE, {
    connection: redisConnection(config, "producer"),
    prefix: config.QUEUE_PREFIX,
    defaultJobOptions: {
      attempts: config.JOB_ATTEMPTS,
      backoff: { type: "fixed", delay: 1000 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    },
  });
}
