import { z } from "zod";
import { NodeLayerSchema } from "../../spec/layers.js";

const nodeName = z.string().regex(/^[A-Za-z][\w.-]{0,63}$/, "letters, digits, _ . - (starting with a letter)");

/**
 * A Keras Functional graph: named inputs, layer nodes naming the nodes they read, and the output
 * node. Columns reach inputs through the job's `inputs` map (one input takes every feature).
 */
export const FunctionalSpecSchema = z.strictObject({
  type: z.literal("functional"),
  specVersion: z.literal(1).default(1),
  inputs: z
    .array(
      z.strictObject({
        name: nodeName,
        encoding: z.enum(["onehot", "index"]).default("onehot").describe("index: one categorical column as its category number, for an embedding layer"),
        width: z.number().int().min(1).optional().describe("Input width for a dry run without a dataset"),
      }),
    )
    .min(1)
    .max(16),
  nodes: z.array(z.strictObject({ name: nodeName, layer: NodeLayerSchema, inputs: z.array(z.string()).min(1) })).max(256),
  outputs: z.array(z.string()).min(1).describe("The output node (one per target)"),
});
export type FunctionalSpec = z.infer<typeof FunctionalSpecSchema>;
