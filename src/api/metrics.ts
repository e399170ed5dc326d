import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Queue } from "bullmq";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "../db.js";
import { JOB_STATUSES } from "../jobs/job-view.js";
import type { JobStreams } from "../jobs/job-stream.js";
import type { TrainPayload } from "../queue.js";
import { within } from "../timeout.js";

/** Inputs the metrics are read from at scrape time. */
export interface MetricSources {
  db: Db;
  queue: Queue<TrainPayload>;
  streams: () => JobStreams;
}

/**
 * Prometheus metrics with prom-client, in a registry of this app's own (tests build several apps
 * in one process). Job numbers are read from Postgres and BullMQ at scrape time, so every API
 * instance reports the same ones; HTTP latency and event streams are this process's.
 */
export function createMetrics(src: MetricSources) {
  const registry = new Registry();
  const http = new Histogram({
    name: "treino_http_request_duration_seconds",
    help: "HTTP request latency",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: "treino_jobs",
    help: "Jobs by status (Postgres)",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const rows = await src.db.job.groupBy({ by: ["status"], _count: { _all: true } });
      const counts = new Map(rows.map((r) => [r.status, r._count._all]));
      for (const s of JOB_STATUSES) this.set({ status: s }, counts.get(s) ?? 0);
    },
  });
  new Gauge({
    name: "treino_queue_jobs",
    help: "BullMQ training queue by state (absent while Redis does not answer)",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await within(src.queue.getJobCounts("waiting", "active", "delayed", "failed", "completed", "prioritized"), 2000).catch(() => undefined);
      for (const [state, n] of Object.entries(counts ?? {})) this.set({ state }, n);
    },
  });
  // Jobs that finished in the last hour, re-observed at each scrape from Postgres.
  const durations = new Histogram({
    name: "treino_job_duration_seconds",
    help: "Wall time of jobs finished in the last hour",
    labelNames: ["status"] as const,
    buckets: [1, 5, 15, 60, 300, 900, 3600, 14400, 86400],
    registers: [registry],
  });
  const epochs = new Histogram({
    name: "treino_epoch_seconds",
    help: "Mean seconds per epoch of jobs that succeeded in the last hour",
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    registers: [registry],
  });
  new Gauge({
    name: "treino_event_streams_open",
    help: "Job event streams open in this API process",
    registers: [registry],
    collect() {
      this.set(src.streams().openCount);
    },
  });
  new Counter({
    name: "treino_event_stream_reads_total",
    help: "Database reads made for event streams by this API process",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(src.streams().reads);
    },
  });

  // Nothing a request sends may hold this loop more than ~200 ms: the worst delay is exported
  // (and reset) at every scrape, so an operator (and the hardening tests) can see one that did.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  new Gauge({
    name: "treino_event_loop_delay_max_seconds",
    help: "Worst event-loop delay of this API process since the last scrape",
    registers: [registry],
    collect() {
      this.set(loop.max / 1e9);
      loop.reset();
    },
  });

  return {
    http,
    close: () => loop.disable(),
    async render(): Promise<{ contentType: string; body: string }> {
      const recent = await src.db.job.findMany({
        where: { finishedAt: { gte: new Date(Date.now() - 3600_000) }, startedAt: { not: null } },
        select: { status: true, startedAt: true, finishedAt: true, epoch: true },
      });
      durations.reset();
      epochs.reset();
      for (const j of recent) {
        const seconds = (j.finishedAt!.getTime() - j.startedAt!.getTime()) / 1000;
        durations.observe({ status: j.status }, seconds);
        if (j.status === "succeeded" && j.epoch > 0) epochs.observe(seconds / j.epoch);
      }
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
