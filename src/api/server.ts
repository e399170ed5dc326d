/** API process entry point: `npm run start:api`. */
import { loadConfig } from "../config.js";
import { buildApp } from "./app.js";

const config = loadConfig();
const app = await buildApp({ config });
const swept = await app.services.datasets.sweepStaleUploads();
if (swept) app.log.warn({ swept }, "removed uploads left half-written by an earlier crash");
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    app.log.info({ signal }, "shutting down: draining requests");
    await app.close();
    process.exit(0);
  });
}
await app.listen({ port: config.PORT, host: config.HOST });
