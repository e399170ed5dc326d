import { z } from "zod";
import type { App } from "../../context.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

export default function downloadDataset(app: App) {
  app.get("/v1/datasets/:id/download", {
    schema: {
      tags: ["datasets"],
      summary: "The file as it was uploaded, byte for byte (streamed from its stored pieces)",
      description: "text/csv or application/x-ndjson; the ETag is the file's SHA-256 (the dataset's `sha256`).",
      params: IdParamsSchema,
      response: { 200: z.unknown().describe("the original file"), 304: z.null().describe("unchanged"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      const { dataset, file } = await app.services.datasets.download(req.tenant, req.params.id);
      const etag = `"${dataset.sha256}"`;
      reply.header("etag", etag).header("cache-control", "private, max-age=0, must-revalidate");
      if (req.headers["if-none-match"] === etag) return reply.code(304).send(null);
      return reply
        .type(dataset.format === "jsonl" ? "application/x-ndjson" : "text/csv; charset=utf-8")
        .header("content-length", dataset.sizeBytes)
        .header("content-disposition", `attachment; filename="${downloadName(dataset.name, dataset.format)}"`)
        .send(file);
    },
  });
}

/** The dataset's name as a safe attachment filename (its extension kept or added). */
function downloadName(name: string, format: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 100) || "dataset";
  const ext = format === "jsonl" ? ".jsonl" : ".csv";
  return /\.(csv|tsv|txt|jsonl|ndjson|json)$/i.test(safe) ? safe : safe + ext;
}
