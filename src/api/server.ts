/** API process entry point: `npm run start:api`. */
import { listenHost, loadConfig } from "../config.js";
import { buildApp } from "./app.js";

const config = loadConfig();
let where: ReturnType<typeof listenHost>;
try {
  where = listenHost(config);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const app = await buildApp({ config });
if (where.notice) app.log.warn(where.notice);
const swept = await app.services.datasets.sweepStaleUploads();
if (swept) app.log.warn({ swept }, "removed uploads left half-written by an earlier crash");
/** How long a shutdown waits for requests in flight before it closes their connections. */
const DRAIN_MS = 10_000;

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    app.log.info({ signal }, "shutting down: draining requests");
    // In-flight requests get DRAIN_MS; then every connection is closed. A socket that never sends
    // a complete request is not "idle" to Node: it held the shutdown for its 60 s headersTimeout.
    setTimeout(() => app.server.closeAllConnections(), DRAIN_MS).unref();
    await app.close();
    process.exit(0);
  });
}
await app.listen({ port: config.PORT, host: where.host });
