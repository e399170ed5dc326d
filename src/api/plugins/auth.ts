import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { keyDigest, type ApiKey } from "../../config.js";
import { sendProblem } from "./error-handler.js";
import type { RateLimiter } from "./rate-limit.js";

/** Routes anyone may call: liveness, readiness, the API's own documentation, and the dashboard's page and assets (no data). */
const PUBLIC_ROUTES = new Set(["/health", "/ready", "/", "/dashboard.js", "/dashboard.css"]);
const isPublic = (req: FastifyRequest) => {
  const route = req.routeOptions.url;
  return route !== undefined && (PUBLIC_ROUTES.has(route) || route === "/docs" || route.startsWith("/docs/"));
};

/** The route's own rule for `/metrics`: its token, or open only where the whole API is. */
const isMetrics = (req: FastifyRequest) => req.routeOptions.url === "/metrics";

const bearer = (req: FastifyRequest) => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];

/**
 * The tenant of a presented key: its SHA-256 digest compared with every configured key's digest
 * in constant time, all of them, whatever matched (no lookup whose timing depends on the key).
 */
function tenantOf(keys: ApiKey[], key: string): string | undefined {
  const digest = keyDigest(key);
  let tenant: string | undefined;
  for (const k of keys) if (timingSafeEqual(k.digest, digest) && tenant === undefined) tenant = k.tenant;
  return tenant;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Bearer API keys mapped to tenants (`API_KEYS=tenant:key,...`). Deny by default: the decision
 * is made from the route the router matched (after it decoded the path), never from the raw
 * URL, so `/%761/datasets` or an absolute-form target cannot slip past. Only the routes above
 * are public; an unmatched path needs a key too. Failed key attempts count against the client
 * address in the rate limiter. With no keys configured every request is tenant `default`
 * (server.ts then binds loopback only).
 */
export function registerAuth(app: FastifyInstance, limiter: RateLimiter) {
  const keys = app.config.apiKeys;
  const metricsToken = app.config.METRICS_TOKEN;
  if (keys.length === 0) app.log.warn("API_KEYS is empty: the API is open to anyone who reaches it, as tenant 'default'");
  app.decorateRequest("tenant", "");
  app.addHook("onRequest", async (req, reply) => {
    if (isPublic(req)) return;
    if (isMetrics(req)) {
      if (metricsToken ? sameSecret(bearer(req) ?? "", metricsToken) : keys.length === 0) return;
      reply.header("www-authenticate", 'Bearer realm="treino-metrics"');
      return sendProblem(
        reply,
        401,
        "unauthorized",
        metricsToken ? "send Authorization: Bearer <METRICS_TOKEN>" : "/metrics needs METRICS_TOKEN set on the server when API keys are in use",
      );
    }
    if (keys.length === 0) {
      req.tenant = "default";
      return;
    }
    const key = bearer(req);
    const tenant = key ? tenantOf(keys, key) : undefined;
    if (!tenant) {
      // Guessing keys costs the guesser's address its request budget (a 429 past it).
      await limiter.failedKey(req, reply);
      reply.header("www-authenticate", 'Bearer realm="treino"');
      return sendProblem(reply, 401, "unauthorized", key ? "unknown API key" : "send Authorization: Bearer <key>");
    }
    req.tenant = tenant;
  });
}
