import { FlowProducer, Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import type { Config } from "./config.js";
import { isCluster, parseRedisUrl, queuePrefix, redisClient, type RedisClient } from "./redis.js";

/** What a training queue entry carries: the job row's id (Postgres has the rest) and its tenant. */
export interface TrainPayload {
  jobId: string;
  tenant: string;
}

/** An experiment's step: run when all trials of its current generation have ended (a BullMQ flow's parent). */
export interface ExperimentPayload {
  experimentId: string;
  tenant: string;
  generation: number;
}

/** A webhook to deliver: what ended (a job or an experiment); the row has the URL and the attempts. */
export interface WebhookPayload {
  kind: "job" | "experiment";
  id: string;
  tenant: string;
}

/** Each queue's name and payload (immich-style typed job map): one training queue per device kind. */
export interface QueuePayloads {
  train: TrainPayload;
  "train-gpu": TrainPayload;
  experiment: ExperimentPayload;
  webhook: WebhookPayload;
}

export const EXPERIMENT_QUEUE = "experiment" satisfies keyof QueuePayloads;
export const WEBHOOK_QUEUE = "webhook" satisfies keyof QueuePayloads;

/** Where a job trains: `cpu` workers (the default), or `gpu` workers (WORKER_DEVICE=gpu, Dockerfile.gpu). */
export type Device = "cpu" | "gpu";
export const DEVICES: readonly Device[] = ["cpu", "gpu"];

/** The queue of a device kind's workers ("train" for CPU, as before devices existed). */
export function trainQueueName(device: Device): keyof QueuePayloads {
  return device === "cpu" ? "train" : "train-gpu";
}

/**
 * BullMQ's connection from `REDIS_URL` (one server, or a cluster's nodes: src/redis.ts). BullMQ
 * "going to production": workers must retry forever, producers should fail fast.
 */
export function redisConnection(config: Config, role: "producer" | "worker"): ConnectionOptions {
  const options = { maxRetriesPerRequest: role === "worker" ? null : 1, enableOfflineQueue: role === "worker" };
  if (isCluster(config.REDIS_URL)) {
    // BullMQ takes a cluster as a client and never closes a client it was given: closeClusters does.
    const cluster = redisClient(config.REDIS_URL, options);
    const owned = clusters.get(config) ?? clusters.set(config, new Set()).get(config)!;
    owned.add(cluster);
    return cluster as ConnectionOptions;
  }
  const { nodes, options: auth } = parseRedisUrl(config.REDIS_URL);
  return { ...nodes[0]!, ...auth, ...options };
}

/** Cluster clients made for BullMQ, by the config of the process (or test app) that made them. */
const clusters = new WeakMap<Config, Set<RedisClient>>();

/** Disconnects the cluster clients made with this config (after its queues and workers closed). */
export function closeClusters(config: Config): void {
  for (const c of clusters.get(config) ?? []) c.disconnect();
  clusters.delete(config);
}

/** The BullMQ prefix of every queue: QUEUE_PREFIX as a hash tag, so a cluster keeps each queue in one slot. */
export const bullPrefix = (config: Config): string => queuePrefix(config.QUEUE_PREFIX);

/** The producer side of one device's training queue, as the API and the reconciler use it. */
export function createTrainQueue(config: Config, device: Device = "cpu"): Queue<TrainPayload> {
  return new Queue<TrainPayload>(trainQueueName(device), {
    connection: redisConnection(config, "producer"),
    prefix: bullPrefix(config),
    defaultJobOptions: trainJobOptions(config),
  });
}

/** A training job's retry and retention options (a flow's children do not get a queue's defaults). */
export function trainJobOptions(config: Config): JobsOptions {
  return { attempts: config.JOB_ATTEMPTS, backoff: { type: "fixed", delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 };
}

/** Adds experiments' trial flows (the step job as parent, its trials as children). */
export function createFlowProducer(config: Config, onError: (err: Error) => void): FlowProducer {
  const flows = new FlowProducer({ connection: redisConnection(config, "producer"), prefix: bullPrefix(config) });
  flows.on("error", onError);
  return flows;
}

/** The training queues by device, opened when first used. */
export class TrainQueues {
  private readonly queues = new Map<Device, Queue<TrainPayload>>();

  constructor(
    private readonly config: Config,
    private readonly onError: (err: Error) => void,
  ) {}

  of(device: Device): Queue<TrainPayload> {
    let q = this.queues.get(device);
    if (!q) {
      q = createTrainQueue(this.config, device);
      q.on("error", this.onError); // an unhandled 'error' event would crash the process when Redis goes away
      this.queues.set(device, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
