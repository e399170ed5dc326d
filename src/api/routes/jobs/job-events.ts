import { setTimeout as sleep } from "node:timers/promises";
import { FINAL_STATUSES } from "../../../jobs/job-view.js";
import type { App } from "../../context.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

const POLL_MS = 500;

/**
 * GET /v1/jobs/:id/events: Server-Sent Events `status`, `epoch` and `done`. Postgres holds the
 * job's state whichever worker runs it, so the stream follows the row rather than one worker.
 */
export default function jobEvents(app: App) {
  app.get("/v1/jobs/:id/events", {
    schema: {
      tags: ["jobs"], summary: "Stream a job's progress (text/event-stream: status, epoch, done)",
      params: IdParamsSchema, response: problems(400, 401, 404),
    },
    handler: async (req, reply) => {
      let job = await app.services.jobs.get(req.tenant, req.params.id); // 404 before the stream starts
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      let open = true;
      req.raw.on("close", () => (open = false));
      let status = "";
      let sent = 0;
      while (open) {
        if (job.status !== status) {
          status = job.status;
          send("status", { status, progress: job.progress, attempts: job.attempts });
        }
        const losses = job.history.loss ?? [];
        if (losses.length < sent) sent = 0; // a new attempt or CV phase restarted the history
        for (; sent < losses.length; sent++) {
          send("epoch", { epoch: sent + 1, epochs: job.progress.epochs, logs: Object.fromEntries(Object.entries(job.history).map(([k, v]) => [k, v[sent]])) });
        }
        if (FINAL_STATUSES.has(job.status)) {
          send("done", job);
          break;
        }
        await sleep(POLL_MS);
        job = await app.services.jobs.get(req.tenant, req.params.id);
      }
      res.end();
    },
  });
}
