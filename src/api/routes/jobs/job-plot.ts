import { z } from "zod";
import type { PlotName } from "../../../plots/job-plots.js";
import type { PlotFormat } from "../../../plots/render.js";
import type { App } from "../../context.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

const FILES = ["learning-curve.svg", "learning-curve.png", "confusion-matrix.svg", "confusion-matrix.png"] as const;

/** GET /v1/jobs/:id/plots/<learning-curve|confusion-matrix>.<svg|png>, drawn on the server. */
export default function jobPlotRoute(app: App) {
  app.get("/v1/jobs/:id/plots/:file", {
    schema: {
      tags: ["jobs"],
      summary: "A plot of the job: learning curves or the test confusion matrix, as SVG or PNG",
      params: IdParamsSchema.extend({ file: z.enum(FILES) }),
      response: { 200: z.unknown().describe("image/svg+xml or image/png"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      const [name, format] = req.params.file.split(".") as [PlotName, PlotFormat];
      const job = await app.services.jobs.get(req.tenant, req.params.id);
      // Vega loads on the first plot, not at start.
      const { jobPlot } = await import("../../../plots/job-plots.js");
      const image = await jobPlot(job, name, format);
      return reply.type(format === "svg" ? "image/svg+xml" : "image/png").header("cache-control", "no-cache").send(image);
    },
  });
}
