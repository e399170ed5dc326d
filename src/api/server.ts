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
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    app.log.info({ signal }, "shutting down: draining requests");
    await app.close();
    process.exit(0);
  });
}
await app.listen({ port: config.PORT, host: where.host });
