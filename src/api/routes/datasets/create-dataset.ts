import type { Readable } from "node:stream";
import { z } from "zod";
import { AppError } from "../../../errors.js";
import type { App } from "../../context.js";
import { DatasetSchema } from "../../schemas/dataset.js";
import { problems } from "../../schemas/problem.js";

const NameSchema = z.string().trim().min(1).max(200);

/** POST /v1/datasets: a CSV as multipart `file` (+ `name`) or as a raw text/csv body (+ `?name=`). */
export default function createDataset(app: App) {
  app.post("/v1/datasets", {
    schema: {
      tags: ["datasets"],
      summary: "Upload a CSV dataset (multipart/form-data `file`, or a text/csv body)",
      querystring: z.object({ name: NameSchema.optional() }),
      headers: z.object({ "idempotency-key": z.string().max(200).optional() }),
      response: { 200: DatasetSchema, 201: DatasetSchema, ...problems(400, 401, 409, 413, 415) },
    },
    handler: async (req, reply) => {
      let source: Readable;
      let name = req.query.name;
      if (req.isMultipart()) {
        const part = await req.file();
        if (!part) throw new AppError("bad_request", "the multipart body has no `file` field");
        const field = part.fields.name;
        const value = field && !Array.isArray(field) && field.type === "field" ? field.value : undefined;
        name ??= typeof value === "string" && value.trim() ? NameSchema.parse(value) : part.filename || undefined;
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
      const { dataset, replayed } = await app.services.datasets.create(req.tenant, name ?? "dataset", source, req.headers["idempotency-key"]);
      return reply.code(replayed ? 200 : 201).header("location", `/v1/datasets/${dataset.id}`).send(dataset);
    },
  });
}
