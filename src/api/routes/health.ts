import { z } from "zod";
import type { Db } from "../../db.js";
import { within } from "../../timeout.js";
import type { App } from "../context.js";

const ReadySchema = z.object({ status: z.enum(["ok", "unavailable"]), postgres: z.enum(["ok", "down"]), redis: z.enum(["ok", "down"]) });

/** /health: the process answers. /ready: Postgres and Redis answer too (else 503 naming which). */
export default function health(app: App, deps: { db: Db; redisPing: () => Promise<unknown> }) {
  app.get("/health", {
    schema: { tags: ["ops"], summary: "Liveness", response: { 200: z.object({ status: z.literal("ok") }) } },
    handler: async () => ({ status: "ok" as const }),
  });
  app.get("/ready", {
    schema: { tags: ["ops"], summary: "Readiness: Postgres and Redis reachable", response: { 200: ReadySchema, 503: ReadySchema } },
    handler: async (_req, reply) => {
      const [pg, rd] = await Promise.allSettled([within(deps.db.$queryRawUnsafe("SELECT 1"), 2000), within(deps.redisPing(), 2000)]);
      const postgres = pg.status === "fulfilled" ? "ok" : "down";
      const redis = rd.status === "fulfilled" ? "ok" : "down";
      const ok = postgres === "ok" && redis === "ok";
      return reply.code(ok ? 200 : 503).send({ status: ok ? "ok" : "unavailable", postgres, redis });
    },
  });
}
