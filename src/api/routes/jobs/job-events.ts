import { z } from "zod";
import { IdParamsSchema, problems } from "../../schemas/problem.js";
import type { App } from "../../context.js";

/**
 * GET /v1/jobs/:id/events: Server-Sent Events `status`, `epoch`, `done` (and `reconnect` when
 * the stream's lifetime is up). Each event carries an id; a client that reconnects with
 * Last-Event-ID gets the epochs after it.
 */
export default function jobEvents(app: App) {
  app.get("/v1/jobs/:id/events", {
    schema: {
      tags: ["jobs"],
      summary: "Stream a job's progress (text/event-stream: status, epoch, done, reconnect)",
      params: IdParamsSchema,
      headers: z.object({
        "last-event-id": z
          .string()
          .regex(/^\d{1,9}$/)
          .optional(),
      }),
      response: problems(400, 401, 404, 429),
    },
    handler: async (req, reply) => {
      const streams = app.services.streams;
      const stream = await streams.open(req.tenant, req.params.id); // 404, or 429 past MAX_STREAMS_PER_TENANT
      try {
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
        res.write("retry: 1000\n\n");
        const closed = new Promise<void>((resolve) => req.raw.once("close", resolve));
        await streams.run(stream, Number(req.headers["last-event-id"] ?? 0), {
          send: (event, data, id) => res.write(`${id ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
          ping: () => res.write(": ping\n\n"),
          closed,
        });
        res.end();
      } finally {
        stream.close();
      }
    },
  });
}
