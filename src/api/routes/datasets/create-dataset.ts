import type { Readable } from "node:stream";
import { z } from "zod";
import { AppError } from "../../../errors.js";
import { DELIMITERS, detectFormat } from "../../../tables/sniff.js";
import type { App } from "../../context.js";
import { DatasetSchema } from "../../schemas/dataset.js";
import { problems } from "../../schemas/problem.js";

const NameSchema = z.string().trim().min(1).max(200);
const QuerySchema = z.object({
  name: NameSchema.optional(),
  format: z.enum(["csv", "jsonl"]).optional().describe("Default: from the content type or file name (.jsonl, .ndjson), else csv"),
  delimiter: z
    .enum([...DELIMITERS, "tab"])
    .transform((d) => (d === "tab" ? "\t" : d))
    .optional()
    .describe("CSV delimiter; default: sniffed from the header line"),
});

/**
 * POST /v1/datasets: a CSV or JSON Lines file as multipart `file` (+ `name`), or as a raw body
 * (text/csv, application/x-ndjson) with `?name=`.
 */
export default function createDataset(app: App) {
  app.post("/v1/datasets", {
    schema: {
      tags: ["datasets"],
      summary: "Upload a CSV dataset (multipart/form-data `file`, or a text/csv body)",
      querystring: QuerySchema,
      headers: z.object({ "idempotency-key": z.string().max(200).optional() }),
      response: { 200: DatasetSchema, 201: DatasetSchema, ...problems(400, 401, 403, 409, 413, 415) },
    },
    handler: async (req, reply) => {
      let source: Readable;
      let name = req.query.name;
      let filename: string | undefined;
      let contentType = req.headers["content-type"];
      if (req.isMultipart()) {
        // A malformed multipart body (no boundary, a broken header) is the client's: busboy throws plain errors.
        const part = await req.file().catch((err: Error) => {
          throw new AppError("bad_request", `the multipart body cannot be read: ${err.message.slice(0, 200)}`);
        });
        if (!part) throw new AppError("bad_request", "the multipart body has no `file` field");
        const field = part.fields.name;
        const value = field && !Array.isArray(field) && field.type === "field" ? field.value : undefined;
        const given = typeof value === "string" && value.trim() ? value : part.filename || undefined;
        if (name === undefined && given !== undefined) {
          const checked = NameSchema.safeParse(given);
          if (!checked.success)
            throw new AppError("validation_failed", `name: ${checked.error.issues[0]!.message}`, [
              { path: value ? "name" : "file.filename", message: checked.error.issues[0]!.message },
            ]);
          name = checked.data;
        }
        filename = part.filename;
        contentType = part.mimetype;
        source = part.file;
        // @fastify/multipart truncates a file at the size limit and says so with 'limit':
        // turn that into an error so a truncated upload is never stored.
        part.file.once("limit", () => {
          part.file.destroy(new AppError("payload_too_large", `the file is larger than the limit of ${app.config.MAX_UPLOAD_BYTES} bytes`));
        });
      } else if (req.body && typeof (req.body as Readable).pipe === "function") {
        source = req.body as Readable;
      } else {
        throw new AppError("unsupported_media_type", "send multipart/form-data with a `file` field, or a text/csv body");
      }
      const { dataset, replayed } = await app.services.datasets.create(req.tenant, source, {
        name: name ?? "dataset",
        format: req.query.format ?? detectFormat(contentType, filename),
        delimiter: req.query.delimiter,
        idempotencyKey: req.headers["idempotency-key"],
      });
      return reply
        .code(replayed ? 200 : 201)
        .header("location", `/v1/datasets/${dataset.id}`)
        .send(dataset);
    },
  });
}
