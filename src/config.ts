import { z } from "zod";

/** Parses `API_KEYS` (`tenant:key,tenant2:key2`) into a map from key to tenant. */
function parseApiKeys(raw: string | undefined): Map<string, string> {
  const keys = new Map<string, string>();
  for (const pair of (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const at = pair.indexOf(":");
    if (at <= 0 || at === pair.length - 1) throw new Error(`API_KEYS: "${pair}" is not tenant:key`);
    keys.set(pair.slice(at + 1), pair.slice(0, at));
  }
  return keys;
}

const int = (def: number) => z.coerce.number().int().positive().default(def);

/** Every setting of the service, read once from the environment at start. */
const EnvSchema = z.object({
  /** HTTP port of the API. Default 3000. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface the API binds. Default 0.0.0.0. */
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/treino"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  /** Prefix of every BullMQ key; tests use their own so they cannot collide. Default "treino". */
  QUEUE_PREFIX: z.string().min(1).default("treino"),
  /** `tenant:key,...`; empty runs the API open as tenant `default`. */
  API_KEYS: z.string().optional(),
  /** Jobs one worker process trains at once. Default 1 (training is CPU-bound). */
  WORKER_CONCURRENCY: int(1),
  /** Compute for tfjs: auto tries tensorflow-gpu, tensorflow, wasm, cpu in that order. */
  TFJS_BACKEND: z.enum(["auto", "tensorflow", "wasm", "cpu"]).default("auto"),
  /** Largest accepted upload. Default 100 MiB. */
  MAX_UPLOAD_BYTES: int(100 * 1024 * 1024),
  /** Largest JSON request body (job specs, predict rows). Default 10 MiB. */
  MAX_BODY_BYTES: int(10 * 1024 * 1024),
  MAX_ROWS: int(2_000_000),
  MAX_COLUMNS: int(2_000),
  MAX_EPOCHS: int(1_000),
  MAX_LAYERS: int(64),
  MAX_UNITS: int(8_192),
  MAX_PARAMS: int(20_000_000),
  /** Requests per minute per API key (tenant); 0 turns the limit off. Default 600. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Queued plus running jobs one tenant may have. Default 20. */
  MAX_ACTIVE_JOBS_PER_TENANT: int(20),
  /** Wall-clock ceiling of one job's training; jobs asking more are refused. Default 24 h. */
  MAX_JOB_SECONDS: int(86_400),
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

export type Config = Omit<z.infer<typeof EnvSchema>, "API_KEYS"> & { apiKeys: Map<string, string> };

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
