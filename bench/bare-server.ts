/**
 * The polling benchmark's baselines: bare Fastify routes with the same JSON, /job as an object
 * Fastify serializes (what a handler returning a view does) and /bytes as ready-made text.
 */
import Fastify from "fastify";

const app = Fastify();
const text = process.env.BODY ?? "{}";
const object = JSON.parse(text);
app.get("/health", async () => ({ ok: true }));
app.get("/job", async () => object);
app.get("/bytes", (_req, reply) => void reply.type("application/json; charset=utf-8").send(text));
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
