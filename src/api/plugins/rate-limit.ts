import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { sendProblem } from "./error-handler.js";

const WINDOW_MS = 60_000;

/**
 * RATE_LIMIT_PER_MINUTE requests per tenant and minute (a fixed window counted in Redis, so
 * every API instance shares it); past it, 429 with Retry-After. When Redis does not answer the
 * limit is skipped rather than failing every request: /ready reports Redis.
 */
export function registerRateLimit(app: FastifyInstance) {
  const limit = app.config.RATE_LIMIT_PER_MINUTE;
  if (limit === 0) return;
  const redis = new Redis(app.config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1000 });
  redis.on("error", () => undefined); // reported by the failing command
  app.addHook("onClose", async () => redis.disconnect());
  app.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/v1/") || !req.tenant) return;
    const window = Math.floor(Date.now() / WINDOW_MS);
    const key = `${app.config.QUEUE_PREFIX}:rate:${req.tenant}:${window}`;
    let count: number;
    try {
      if (redis.status === "wait") await redis.connect();
      [[, count]] = (await redis.multi().incr(key).pexpire(key, WINDOW_MS + 1000).exec()) as [[Error | null, number]];
    } catch {
      return;
    }
    reply.header("x-ratelimit-limit", limit).header("x-ratelimit-remaining", Math.max(0, limit - count));
    if (count > limit) {
      const retryAfter = Math.ceil(((window + 1) * WINDOW_MS - Date.now()) / 1000);
      reply.header("retry-after", retryAfter);
      return sendProblem(reply, 429, "too_many_requests", `more than ${limit} requests a minute (RATE_LIMIT_PER_MINUTE); retry in ${retryAfter} s`);
    }
  });
}
