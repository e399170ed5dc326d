import type { FastifyInstance, FastifyReply } from "fastify";
import { Redis } from "ioredis";
import { sendProblem } from "./error-handler.js";

const WINDOW_MS = 60_000;

export interface RateLimiter {
  /** Counts one request for `who`; past the limit sends the 429 and returns the reply. */
  hit(who: string, reply: FastifyReply): Promise<FastifyReply | undefined>;
}

/**
 * RATE_LIMIT_PER_MINUTE requests per tenant (and per client address for failed key attempts)
 * and minute: a fixed window counted in Redis, so every API instance shares it; past it, 429
 * with Retry-After. When Redis does not answer the limit is skipped rather than failing every
 * request: /ready reports Redis. Every authenticated route is counted (auth runs first and sets
 * the tenant; public routes have none).
 */
export function registerRateLimit(app: FastifyInstance): RateLimiter {
  const limit = app.config.RATE_LIMIT_PER_MINUTE;
  if (limit === 0) return { hit: async () => undefined };
  const redis = new Redis(app.config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1000 });
  redis.on("error", () => undefined); // reported by the failing command
  app.addHook("onClose", async () => redis.disconnect());
  const limiter: RateLimiter = {
    async hit(who, reply) {
      const window = Math.floor(Date.now() / WINDOW_MS);
      const key = `${app.config.QUEUE_PREFIX}:rate:${who}:${window}`;
      let count: number;
      try {
        if (redis.status === "wait") await redis.connect();
        [[, count]] = (await redis.multi().incr(key).pexpire(key, WINDOW_MS + 1000).exec()) as [[Error | null, number]];
      } catch {
        return undefined;
      }
      reply.header("x-ratelimit-limit", limit).header("x-ratelimit-remaining", Math.max(0, limit - count));
      if (count <= limit) return undefined;
      const retryAfter = Math.ceil(((window + 1) * WINDOW_MS - Date.now()) / 1000);
      reply.header("retry-after", retryAfter);
      return sendProblem(reply, 429, "too_many_requests", `more than ${limit} requests a minute (RATE_LIMIT_PER_MINUTE); retry in ${retryAfter} s`);
    },
  };
  return limiter;
}

/** The per-tenant hook: runs after auth, so every request that has a tenant is counted. */
export function registerTenantRateLimit(app: FastifyInstance, limiter: RateLimiter) {
  app.addHook("onRequest", async (req, reply) => {
    if (req.tenant) return limiter.hit(`tenant:${req.tenant}`, reply);
  });
}
