import { isDatabaseUnavailable } from "../../db.js";
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { AppError, ErrorCodes, formatPath, type ErrorCode, type FieldError } from "../../errors.js";
import { SpecError } from "../../training/index.js";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Sends one problem+json body; every error response of the API goes through here. */
export function sendProblem(reply: FastifyReply, status: number, code: string, detail: string, errors?: FieldError[]) {
  return reply
    .code(status)
    .type("application/problem+json")
    .send({ type: `https://treino.dev/problems/${code}`, title: TITLES[status] ?? "Error", status, detail, code, ...(errors ? { errors } : {}) });
}

/** `/model/layers/2/units` (JSON pointer) to `model.layers[2].units`. */
function pointerToPath(pointer: string): string {
  const keys = pointer
    .split("/")
    .slice(1)
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k.replace(/~1/g, "/").replace(/~0/g, "~")));
  return formatPath(keys);
}

const FASTIFY_CODES: Record<string, ErrorCode> = { 413: "payload_too_large", 415: "unsupported_media_type", 404: "not_found", 401: "unauthorized" };

/** Maps every error to problem+json: ours, schema validation, Fastify's own 4xx; 5xx hide internals. */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    // Training's own error for a request it cannot accept: a 400 with the paths.
    if (err instanceof SpecError) return sendProblem(reply, 400, err.code, err.detail, err.errors);
    if (err instanceof AppError) {
      if (err.status === 429 && !reply.hasHeader("retry-after")) reply.header("retry-after", 30);
      return sendProblem(reply, err.status, err.code, err.detail, err.errors);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext === "body" ? "" : `${err.validationContext ?? "request"}.`;
      const errors = err.validation.map((v) => {
        const issue = v.params.issue as { path?: PropertyKey[] } | undefined;
        const path = issue?.path ? formatPath(issue.path) : pointerToPath(v.instancePath);
        return { path: `${where}${path}` || where.replace(/\.$/, "") || "body", message: v.message ?? "invalid" };
      });
      return sendProblem(reply, 400, "validation_failed", errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err, issues: err.cause }, "response did not match its schema");
      return sendProblem(reply, 500, "internal", "internal error");
    }
    if (isDatabaseUnavailable(err)) {
      // Postgres is down or restarting: a retryable 503, never a 500 (pools reconnect by themselves).
      req.log.warn({ err: err.message }, "database unavailable");
      reply.header("retry-after", 5);
      return sendProblem(reply, 503, "service_unavailable", "the database is unavailable: try again shortly");
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = FASTIFY_CODES[status] ?? "bad_request";
      return sendProblem(reply, status, code, err.message);
    }
    req.log.error({ err }, "unhandled error");
    const code: ErrorCode = status === 503 ? "service_unavailable" : "internal";
    return sendProblem(reply, ErrorCodes[code], code, code === "internal" ? "internal error" : err.message);
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, 404, "not_found", `no route ${req.method} ${req.url.split("?")[0]}`));
}
