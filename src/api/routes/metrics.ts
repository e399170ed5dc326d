import type { Queue } from "bullmq";
import type { Db } from "../../db.js";
import { JOB_STATUSES } from "../../jobs/job-view.js";
import type { TrainPayload } from "../../queue.js";
import { within } from "../../timeout.js";
import type { App } from "../context.js";
import { counter, gauge, Histogram } from "../metrics.js";

/** GET /metrics: Prometheus text format. HTTP latency is timed by a hook on every request. */
export default function metrics(app: App, deps: { db: Db; queue: Queue<TrainPayload> }) {
  const http = new Histogram();
  app.addHook("onResponse", async (req, reply) => {
    http.observe({ method: req.method, route: req.routeOptions.url ?? "unknown", status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get("/metrics", { schema: { tags: ["ops"], summary: "Prometheus metrics", hide: false } }, async (_req, reply) => {
    const [byStatus, queue, recent] = await Promise.all([
      deps.db.job.groupBy({ by: ["status"], _count: { _all: true } }),
      within(deps.queue.getJobCounts("waiting", "active", "delayed", "failed", "completed", "prioritized"), 2000).catch(() => undefined),
      deps.db.job.findMany({ where: { finishedAt: { gte: new Date(Date.now() - 3600_000) }, startedAt: { not: null } }, select: { status: true, startedAt: true, finishedAt: true, epoch: true } }),
    ]);
    const counts = new Map(byStatus.map((r) => [r.status, r._count._all]));
    const durations = new Histogram([1, 5, 15, 60, 300, 900, 3600, 14400, 86400]);
    const epochs = new Histogram([0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60]);
    for (const j of recent) {
      const seconds = (j.finishedAt!.getTime() - j.startedAt!.getTime()) / 1000;
      durations.observe({ status: j.status }, seconds);
      if (j.status === "succeeded" && j.epoch > 0) epochs.observe({}, seconds / j.epoch);
    }
    const body = [
      gauge("treino_jobs", "Jobs by status (Postgres)", JOB_STATUSES.map((s) => [{ status: s }, counts.get(s) ?? 0])),
      queue ? gauge("treino_queue_jobs", "BullMQ training queue by state", Object.entries(queue).map(([state, n]) => [{ state }, n])) : "# treino_queue_jobs: Redis did not answer",
      durations.render("treino_job_duration_seconds", "Wall time of jobs finished in the last hour"),
      epochs.render("treino_epoch_seconds", "Mean seconds per epoch of jobs that succeeded in the last hour"),
      http.render("treino_http_request_duration_seconds", "HTTP request latency"),
      gauge("treino_event_streams_open", "Job event streams open in this API process", [[{}, app.services.streams.openCount]]),
      counter("treino_event_stream_reads_total", "Database reads made for event streams by this API process", app.services.streams.reads),
    ].join("\n\n");
    return reply.type("text/plain; version=0.0.4").send(body + "\n");
  });
}
