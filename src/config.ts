import type { SpecLimits } from "./training/index.js";
import { createHash } from "node:crypto";
import { totalmem } from "node:os";
import { z } from "zod";

/** An API key as the service keeps it: its SHA-256 digest (never the key), and its tenant. */
export interface ApiKey {
  digest: Buffer;
  tenant: string;
}

/** The digest a presented key is compared by (api/plugins/auth.ts). */
export const keyDigest = (key: string): Buffer => createHash("sha256").update(key, "utf8").digest();

/** Parses `API_KEYS` (`tenant:key,tenant2:key2`) into the keys' digests with their tenants. */
function parseApiKeys(raw: string | undefined): ApiKey[] {
  const keys: ApiKey[] = [];
  for (const [index, pair] of (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .entries()) {
    const at = pair.indexOf(":");
    // The entry may be a key: say which one by position, never by content.
    if (at <= 0 || at === pair.length - 1) throw new Error(`API_KEYS: entry ${index + 1} is not tenant:key`);
    keys.push({ digest: keyDigest(pair.slice(at + 1)), tenant: pair.slice(0, at) });
  }
  return keys;
}

/** An empty variable (`X=` in a compose file) means unset. */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema);

const int = (def: number) => z.coerce.number().int().positive().default(def);

/** Every setting of the service, read once from the environment at start. */
const EnvSchema = z.object({
  /** HTTP port of the API. Default 3000. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * Interface the API binds. Default 0.0.0.0 with API_KEYS, 127.0.0.1 without (an open API is
   * never exposed by accident; see ALLOW_OPEN_API).
   */
  HOST: unsetIfEmpty(z.string().min(1).optional()),
  /** Lets an API without API_KEYS listen on a non-loopback HOST. Default false. */
  ALLOW_OPEN_API: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** Bearer token for GET /metrics; unset: /metrics is open only when the API is (no API_KEYS). */
  METRICS_TOKEN: unsetIfEmpty(z.string().min(16, "at least 16 characters").optional()),
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/treino"),
  /** One server (`redis://host:6379/0`), or a Redis Cluster as its nodes' URLs separated by commas. */
  REDIS_URL: z
    .string()
    .default("redis://127.0.0.1:6379")
    .refine((v) => v.split(",").every((u) => URL.canParse(u.trim()) && /^rediss?:$/.test(new URL(u.trim()).protocol)), {
      message: "a redis:// (or rediss://) URL, or several separated by commas (a cluster's nodes)",
    }),
  /** Prefix of every BullMQ key; tests use their own so they cannot collide. Default "treino". */
  QUEUE_PREFIX: z.string().min(1).default("treino"),
  /** `tenant:key,...`; empty runs the API open as tenant `default`. */
  API_KEYS: z.string().optional(),
  /** Jobs one worker process trains at once. Default 1 (training is CPU-bound). */
  WORKER_CONCURRENCY: int(1),
  /** Compute for tfjs: auto tries tensorflow-gpu, tensorflow, wasm, cpu in that order. */
  TFJS_BACKEND: z.enum(["auto", "tensorflow", "wasm", "cpu"]).default("auto"),
  /** The queue a worker takes jobs from: `cpu` (jobs with training.device cpu, the default) or `gpu`. */
  WORKER_DEVICE: z.enum(["cpu", "gpu"]).default("cpu"),
  /** `auto`: Dense/Dropout stacks train on the native MLP fast path when it is built; `off`: always tfjs. */
  FAST_PATH: z.enum(["auto", "off"]).default("auto"),
  /** Threads one XGBoost fit or prediction uses (nthread): per training process, so a worker does not take every core. */
  XGBOOST_THREADS: int(1),
  /** The XGBoost library the xgboost family opens (Debian: libxgboost0, with libxgboost-dev to build the binding). */
  XGBOOST_LIBRARY: z.string().min(1).default("libxgboost.so.0"),
  /** Largest accepted upload. Default 100 MiB. */
  MAX_UPLOAD_BYTES: int(100 * 1024 * 1024),
  /** Bytes one tenant may store: datasets' files and models' weights. Default 10 GiB. */
  MAX_STORAGE_BYTES_PER_TENANT: int(10 * 1024 ** 3),
  /** Largest JSON request body (job specs, predict rows). Default 10 MiB. */
  MAX_BODY_BYTES: int(10 * 1024 * 1024),
  MAX_ROWS: int(2_000_000),
  MAX_COLUMNS: int(2_000),
  /** Rows x columns of one dataset: bounds what a worker holds, whatever the shape. Default 50,000,000. */
  MAX_CELLS: int(50_000_000),
  /** Longest line of an upload (a CSV record or JSON object). Default 1 MiB. */
  MAX_LINE_BYTES: int(1024 * 1024),
  MAX_EPOCHS: int(1_000),
  MAX_LAYERS: int(64),
  MAX_UNITS: int(8_192),
  MAX_PARAMS: int(20_000_000),
  /**
   * Estimated training memory one job may need (estimateTrainingBytes: weights, optimizer state,
   * a batch's activations, the data); larger jobs are refused at creation. Default: half of this
   * machine's memory (workers are assumed alike).
   */
  MAX_TRAINING_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(() => Math.floor(totalmem() / 2)),
  /** The operator's key each tenant's webhook signing secret is derived from (16+ characters); unset: webhooks are off. */
  WEBHOOK_SIGNING_KEY: unsetIfEmpty(z.string().min(16, "at least 16 characters").optional()),
  /** Lets webhooks call loopback and private addresses (a receiver on the same network). Default false. */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  /** Delivery attempts of one webhook, with exponential backoff from WEBHOOK_BACKOFF_MS. Defaults 6, 2000 ms. */
  WEBHOOK_ATTEMPTS: int(6),
  WEBHOOK_BACKOFF_MS: int(2_000),
  /** Longest a receiver may take to answer. Default 10 s. */
  WEBHOOK_TIMEOUT_MS: int(10_000),
  /** Rows an SVM or kNN job may train on (their cost grows with the rows squared). Default 20,000. */
  MAX_KERNEL_ROWS: int(20_000),
  /** Rows x parameters one /predict request may ask of a model (it runs on the API's event loop). Default 1e9. */
  MAX_PREDICT_OPS: int(1_000_000_000),
  /** Widest encoded model input, and largest embedding vocabulary. Default 65,536. */
  MAX_INPUT_WIDTH: int(65_536),
  /** Requests per minute per API key (tenant); 0 turns the limit off. Default 600. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Memory each API process may keep of polled views (jobs, models), dropped on every change (NOTIFY), and again of built export files; 0 turns them off. Default 64 MiB. */
  READ_CACHE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(64 * 1024 * 1024),
  /** Memory each training process may keep of datasets it read, for later jobs on the same data; 0 turns it off. Default 256 MiB. */
  TABLE_CACHE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(256 * 1024 * 1024),
  /** Event streams (GET /v1/jobs/:id/events) one tenant may hold open at once, per API process. Default 10. */
  MAX_STREAMS_PER_TENANT: int(10),
  /** Longest an event stream stays open; clients reconnect with Last-Event-ID. Default 300 s. */
  STREAM_MAX_SECONDS: int(300),
  /** Queued plus running jobs one tenant may have. Default 20. */
  MAX_ACTIVE_JOBS_PER_TENANT: int(20),
  /** Wall-clock ceiling of one job's training; jobs asking more are refused. Default 24 h. */
  MAX_JOB_SECONDS: int(86_400),
  /** Seconds past MAX_JOB_SECONDS after which a worker kills a training process that did not stop (job failed, time_limit). Default 30. */
  JOB_KILL_GRACE_SECONDS: int(30),
  /** Jobs of one tenant that may train at once across all workers; others wait, so tenants share workers. Default 2. */
  MAX_RUNNING_JOBS_PER_TENANT: int(2),
  /** Trial jobs one experiment may run in all (candidates x folds, all generations). Default 500. */
  MAX_EXPERIMENT_TRIALS: int(500),
  /** The longest time budget an AutoML experiment may ask (budget.seconds). Default 2 h. */
  MAX_AUTOML_SECONDS: int(7_200),
  /** Registered models (names) one tenant may keep in its model registry. Default 200. */
  MAX_REGISTERED_MODELS_PER_TENANT: int(200),
  /** Versions one registered model may hold at once (deleting one makes room). Default 1000. */
  MAX_VERSIONS_PER_MODEL: int(1_000),
  /** Aliases one registered model may have (production, staging, ...). Default 20. */
  MAX_ALIASES_PER_MODEL: int(20),
  /** Experiments one tenant may have queued or running at once. Default 3. */
  MAX_ACTIVE_EXPERIMENTS_PER_TENANT: int(3),
  /** How long a job deferred by MAX_RUNNING_JOBS_PER_TENANT waits before it is tried again. Default 3 s. */
  TENANT_DEFER_MS: int(3_000),
  /** Most categories one column may keep (preprocessing maxCategories; at least its default 100). Default 1000. */
  MAX_CATEGORIES: z.coerce.number().int().min(100).default(1_000),
  /** Attempts per job before it ends failed (a killed worker costs one). Default 3. */
  JOB_ATTEMPTS: int(3),
  /** How often workers look for jobs Postgres has and Redis lost. Default 60 s. */
  RECONCILE_INTERVAL_MS: int(60_000),
  /** Epochs between training checkpoints (weights, optimizer state, history). Default 5; 0 turns them off. */
  CHECKPOINT_EVERY_EPOCHS: z.coerce.number().int().min(0).default(5),
  /** BullMQ lock duration; a dead worker's job is taken over after about this. Default 30 s. */
  LOCK_DURATION_MS: int(30_000),
  /** How often workers look for stalled jobs. Default 30 s. */
  STALLED_INTERVAL_MS: int(30_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Config = Omit<z.infer<typeof EnvSchema>, "API_KEYS"> & { apiKeys: ApiKey[] };

/** Validates the environment once; throws naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const { API_KEYS, ...rest } = parsed.data;
  return { ...rest, apiKeys: parseApiKeys(API_KEYS) };
}

/** The limits a job request is checked against (training/limits.ts), from the configuration. */
export function specLimits(c: Config): SpecLimits {
  return {
    maxEpochs: c.MAX_EPOCHS,
    maxLayers: c.MAX_LAYERS,
    maxUnits: c.MAX_UNITS,
    maxParams: c.MAX_PARAMS,
    maxInputWidth: c.MAX_INPUT_WIDTH,
    maxJobSeconds: c.MAX_JOB_SECONDS,
    maxCategories: c.MAX_CATEGORIES,
  };
}

const isLoopback = (host: string) => host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * Where the API listens. Without API keys the API is open, so it binds loopback unless
 * ALLOW_OPEN_API says otherwise; an explicit non-loopback HOST without keys is refused.
 */
export function listenHost(config: Config): { host: string; notice?: string } {
  const keyed = config.apiKeys.length > 0;
  const host = config.HOST ?? (keyed ? "0.0.0.0" : "127.0.0.1");
  if (keyed || isLoopback(host)) {
    return { host, notice: keyed ? undefined : `no API_KEYS: listening on ${host} only (loopback); set API_KEYS to serve other machines` };
  }
  if (!config.ALLOW_OPEN_API) {
    throw new Error(
      `HOST=${host} without API_KEYS would open the API to anyone on the network: set API_KEYS (tenant:key,...), or ALLOW_OPEN_API=true to do it anyway`,
    );
  }
  return { host, notice: `ALLOW_OPEN_API: the API is open to anyone who reaches ${host}` };
}
