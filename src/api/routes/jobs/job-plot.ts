import { z } from "zod";
import { PLOT_FILES } from "../../../plots/plot-files.js";
import type { App } from "../../context.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

/**
 * GET /v1/jobs/:id/plots/<learning-curve|confusion-matrix>.<svg|png>: drawn once by the
 * training process when the job ended; served as stored bytes.
 */
export default function jobPlotRoute(app: App) {
  app.get("/v1/jobs/:id/plots/:file", {
    schema: {
      tags: ["jobs"],
      summary: "A plot of the finished job: learning curves or the test confusion matrix, as SVG or PNG",
      params: IdParamsSchema.extend({ file: z.enum(PLOT_FILES) }),
      response: { 200: z.unknown().describe("image/svg+xml or image/png"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      const image = await app.services.jobs.plot(req.tenant, req.params.id, req.params.file);
      const type = req.params.file.endsWith(".svg") ? "image/svg+xml" : "image/png";
      return reply.type(type).header("cache-control", "private, max-age=86400, immutable").send(image);
    },
  });
}
