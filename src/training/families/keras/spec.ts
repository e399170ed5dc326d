import { z } from "zod";

/** Deepest nesting a Keras JSON may have: real ones, nested models included, stay under 30. */
export const MAX_KERAS_DEPTH = 64;

/** Nesting depth of a JSON value, measured without recursion (a hostile one cannot overflow the stack). */
export function jsonDepth(value: unknown, stopAt = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (d > deepest) deepest = d;
    if (deepest > stopAt) return deepest;
    for (const child of Object.values(v)) if (typeof child === "object" && child !== null) stack.push([child, d + 1]);
  }
  return deepest;
}

/**
 * The JSON of a Keras `model.to_json()` (Keras 2 / tf.keras or Keras 3), for the layer types
 * TensorFlow.js supports. Input widths come from the dataset's encoded features.
 */
export const KerasSpecSchema = z.strictObject({
  type: z.literal("keras"),
  specVersion: z.literal(1).default(1),
  modelTopology: z
    .union([z.record(z.string(), z.unknown()), z.string()])
    .superRefine((v, ctx) => {
      if (typeof v === "object" && jsonDepth(v, MAX_KERAS_DEPTH) > MAX_KERAS_DEPTH) {
        ctx.addIssue({ code: "custom", message: `nested more than ${MAX_KERAS_DEPTH} levels deep: not a Keras model.to_json()` });
      }
    })
    .describe("model.to_json() as an object (or the JSON string itself)"),
});
export type KerasSpec = z.infer<typeof KerasSpecSchema>;
