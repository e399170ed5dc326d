import { z } from "zod";
import { LayerSpecSchema } from "../../spec/layers.js";

/** A Keras Sequential network over the encoded feature vector. */
export const SequentialSpecSchema = z.strictObject({
  type: z.literal("sequential"),
  specVersion: z.literal(1).default(1).describe("Spec format version; saved jobs keep theirs"),
  layers: z.array(LayerSpecSchema).default([]).describe("Hidden layers; an output layer sized to the target is appended when missing"),
});
export type SequentialSpec = z.infer<typeof SequentialSpecSchema>;
