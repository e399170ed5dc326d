import type { FastifyInstance } from "fastify";
import { sendProblem } from "./error-handler.js";

/**
 * Bearer API keys mapped to tenants (`API_KEYS=tenant:key,...`). With no keys configured the API
 * runs open as tenant `default` and says so once at start.
 */
export function registerAuth(app: FastifyInstance) {
  const keys = app.config.apiKeys;
  if (keys.size === 0) app.log.warn("API_KEYS is empty: the API is open to anyone, as tenant 'default'");
  app.decorateRequest("tenant", "");
  app.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/v1/")) return;
    if (keys.size === 0) {
      req.tenant = "default";
      return;
    }
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const tenant = match ? keys.get(match[1]!) : undefined;
    if (!tenant) {
      reply.header("www-authenticate", 'Bearer realm="treino"');
      return sendProblem(reply, 401, "unauthorized", match ? "unknown API key" : "send Authorization: Bearer <key>");
    }
    req.tenant = tenant;
  });
}
