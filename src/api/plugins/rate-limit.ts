import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import rateLimit from "@fastify/rate-limit";
import { redisClient } from "../../redis.js";
import { AppError } from "../../errors.js";

type Check = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface RateLimiter {
  /** Counts a request of an authenticated tenant; throws the 429 past the limit. */
  tenant: Check;
  /** Counts a failed key attempt against the client's address; throws the 429 past the limit. */
  failedKey: Check;
}

/**
 * RATE_LIMIT_PER_MINUTE requests per tenant (and failed key attempts per client address) and
 * minute, counted in Redis by @fastify/rate-limit's store so every API instance shares them;
 * past it, 429 with Retry-After. When Redis does not answer the limit is skipped rather than
 * failing every request (skipOnError): /ready reports Redis.
 */
export async function registerRateLimit(app: FastifyInstance): Promise<RateLimiter> {
  const limit = app.config.RATE_LIMIT_PER_MINUTE;
  if (limit === 0) return { tenant: async () => undefined, failedKey: async () => undefined };
  const redis = redisClient(app.config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1000 });
  redis.on("error", () => undefined); // reported by the failing command (and skipped)
  app.addHook("onClose", async () => redis.disconnect());
  await app.register(rateLimit, {
    global: false,
    redis,
    nameSpace: `${app.config.QUEUE_PREFIX}:rate:`,
    max: limit,
    timeWindow: 60_000,
    skipOnError: true,
    errorResponseBuilder: (_req, ctx) => {
      const seconds = Math.max(1, Math.ceil(ctx.ttl / 1000));
      return new AppError("too_many_requests", `more than ${limit} requests a minute (RATE_LIMIT_PER_MINUTE); retry in ${seconds} s`);
    },
  });
  return {
    tenant: app.rateLimit({ keyGenerator: (req) => `tenant:${req.tenant}` }) as Check,
    failedKey: app.rateLimit({ keyGenerator: (req) => `ip:${req.ip}` }) as Check,
  };
}

/** The per-tenant hook: runs after auth, so every request that has a tenant is counted. */
export function registerTenantRateLimit(app: FastifyInstance, limiter: RateLimiter) {
  app.addHook("onRequest", async (req, reply) => {
    if (req.tenant) await limiter.tenant(req, reply);
  });
}
