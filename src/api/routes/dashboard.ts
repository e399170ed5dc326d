import { dashboardAssets, PAGE } from "../../dashboard/serve.js";
import type { App } from "../context.js";

/** GET / (the dashboard page), /dashboard.js and /dashboard.css: nothing extra to run. */
export default function dashboard(app: App) {
  const hidden = { hide: true } as const;
  app.get("/", { schema: hidden }, (_req, reply) => reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(PAGE));
  app.get("/dashboard.js", { schema: hidden }, async (_req, reply) =>
    reply
      .type("text/javascript; charset=utf-8")
      .header("cache-control", "no-cache")
      .send((await dashboardAssets()).js),
  );
  app.get("/dashboard.css", { schema: hidden }, async (_req, reply) =>
    reply
      .type("text/css; charset=utf-8")
      .header("cache-control", "no-cache")
      .send((await dashboardAssets()).css),
  );
}
