import { z } from "zod";
import { ValidateRequestSchema } from "../../../models/validate-model.js";
import type { App } from "../../context.js";
import { problems } from "../../schemas/problem.js";

const ValidateResponseSchema = z.object({
  summary: z.object({
    layers: z.array(z.object({ name: z.string(), type: z.string(), outputShape: z.unknown(), params: z.number().int() })),
    totalParams: z.number().int(),
    trainableParams: z.number().int(),
  }),
  outputMode: z.string().describe("sigmoid, softmax or linear"),
  inputs: z.array(z.object({ name: z.string(), width: z.number().int(), columns: z.array(z.string()) })),
  estimatedTrainingBytes: z.number().describe("Rough peak of training memory (weights, gradients, optimizer state, one batch, the data)"),
  warnings: z.array(z.string()),
});

/** POST /v1/models/validate: a dry run of a model spec, nothing queued. */
export default function validateModelRoute(app: App) {
  app.post("/v1/models/validate", {
    schema: {
      tags: ["models"],
      summary: "Dry run: Keras-style summary, parameter count, memory estimate and warnings for a model spec",
      body: ValidateRequestSchema,
      response: { 200: ValidateResponseSchema, ...problems(400, 401, 404) },
    },
    handler: (req) => app.services.models.validate(req.tenant, req.body),
  });
}
