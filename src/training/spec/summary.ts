import { z } from "zod";

/** A network's Keras-style summary: the one schema for the type, the job's model and the dry run. */
export const ModelSummarySchema = z.object({
  layers: z.array(z.object({ name: z.string(), type: z.string(), outputShape: z.unknown(), params: z.number().int() })),
  totalParams: z.number().int(),
  trainableParams: z.number().int(),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;
