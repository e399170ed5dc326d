import type { FastifyReply, FastifyRequest } from "fastify";
import type { CachedRead } from "../read-cache.js";

/** True when If-None-Match names this ETag (or is `*`). */
export function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

/**
 * Sends a cached view's JSON text as it is (no re-serialization), with its ETag: a client that
 * sends the ETag back gets 304 and no body until the view changes.
 */
export function sendCached(req: FastifyRequest, reply: FastifyReply, entry: CachedRead): FastifyReply {
  reply.header("etag", entry.etag).header("cache-control", "private, no-cache");
  if (matches(req.headers["if-none-match"], entry.etag)) return reply.code(304).send();
  return reply.type("application/json; charset=utf-8").send(entry.json);
}
