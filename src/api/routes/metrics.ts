import type { Queue } from "bullmq";
import type { Db } from "../../db.js";
import type { TrainPayload } from "../../queue.js";
import type { App } from "../context.js";
import { createMetrics } from "../metrics.js";

/** GET /metrics: Prometheus text format (prom-client). HTTP latency is timed by a hook on every request. */
export default function metrics(app: App, deps: { db: Db; queue: Queue<TrainPayload> }) {
  const m = createMetrics({ ...deps, streams: () => app.services.streams });
  app.addHook("onClose", async () => m.close());
  app.addHook("onResponse", async (req, reply) => {
    m.http.observe({ method: req.method, route: req.routeOptions.url ?? "unknown", status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get("/metrics", { schema: { tags: ["ops"], summary: "Prometheus metrics (Bearer METRICS_TOKEN)", hide: false } }, async (_req, reply) => {
    const { contentType, body } = await m.render();
    return reply.type(contentType).send(body);
  });
}
