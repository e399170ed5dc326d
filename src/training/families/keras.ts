import { countKerasParams } from "../keras-count.js";
import { normalizeKeras, type KerasTopology } from "../keras-json.js";
import { headParams } from "../param-count.js";
import { KerasSpecSchema, type KerasSpec } from "../spec/keras.js";
import type { ModelFamily } from "./family.js";

/** Each spec's JSON parsed once, whichever step asks first (inputs, limits, counting, building). */
const parsed = new WeakMap<object, KerasTopology>();
export function kerasTopology(spec: KerasSpec): KerasTopology {
  const key = spec as object;
  let t = parsed.get(key);
  if (!t) parsed.set(key, (t = normalizeKeras(spec.modelTopology)));
  return t;
}


/** A Keras `model.to_json()` (Keras 2 or 3), read into the layers tfjs knows. */
export const keras: ModelFamily<KerasSpec, typeof KerasSpecSchema> = {
  type: "keras",
  schema: KerasSpecSchema,
  inputs: (spec) => kerasTopology(spec).inputNames.map((name) => ({ name, encoding: "onehot" as const })),
  layers: (spec) => {
    const t = kerasTopology(spec);
    return t.layers.map((l, i) => ({ path: l.path, units: t.json.config.layers[i]!.config.units }));
  },
  layersPath: "model.modelTopology",
  countParams: (spec, groups, ctx, dims, errors) => {
    const k = countKerasParams(kerasTopology(spec), new Map(groups.map((g) => [g.name, g.width])), dims);
    errors.push(...k.errors);
    return k.params + (k.outputWidth !== undefined ? headParams(k.lastAsSpec, k.outputWidth, ctx) : 0);
  },
  declaredWidths: (spec, _inputWidth, errors) => {
    const t = kerasTopology(spec);
    const layers = t.json.config.layers;
    return t.inputNames.map((name) => {
      const l = layers.find((x) => (x.name ?? x.config.name) === name) ?? layers[0]!;
      const width = l.config.batch_input_shape?.at(-1);
      if (!width) errors.push({ path: "model.modelTopology", message: `input "${name}" has no width in the JSON; give datasetId and target` });
      return { name, width: width ?? 1 };
    });
  },
  build: async (spec, groups, ctx) => (await import("../network.js")).buildKeras(spec.modelTopology, groups, ctx),
};
