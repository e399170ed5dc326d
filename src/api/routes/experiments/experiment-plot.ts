import { z } from "zod";
import { EXPERIMENT_PLOT_FILES } from "../../../plots/experiment-plots.js";
import type { App } from "../../context.js";
import { IdParamsSchema, problems } from "../../schemas/problem.js";

/** GET /v1/experiments/:id/plots/<leaderboard|learning-curves|generations>.<svg|png>, drawn when it ended. */
export default function experimentPlot(app: App) {
  app.get("/v1/experiments/:id/plots/:file", {
    schema: {
      tags: ["experiments"],
      summary: "A plot of an ended experiment: the metric by candidate with error bars, the networks' learning curves, a genetic search's generations",
      params: IdParamsSchema.extend({ file: z.enum(EXPERIMENT_PLOT_FILES) }),
      response: { 200: z.unknown().describe("image/svg+xml or image/png"), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      const image = await app.services.experiments.plot(req.tenant, req.params.id, req.params.file);
      return reply
        .type(req.params.file.endsWith(".svg") ? "image/svg+xml" : "image/png")
        .header("cache-control", "private, max-age=86400, immutable")
        .send(image);
    },
  });
}
