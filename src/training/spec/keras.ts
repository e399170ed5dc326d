import { z } from "zod";

/**
 * The JSON of a Keras `model.to_json()` (Keras 2 / tf.keras or Keras 3), for the layer types
 * TensorFlow.js supports. Input widths come from the dataset's encoded features.
 */
export const KerasSpecSchema = z.strictObject({
  type: z.literal("keras"),
  specVersion: z.literal(1).default(1),
  modelTopology: z
    .union([z.record(z.string(), z.unknown()), z.string()])
    .describe("model.to_json() as an object (or the JSON string itself)"),
});
export type KerasSpec = z.infer<typeof KerasSpecSchema>;
