import { networkServing } from "../../train/network-serving.js";
import { countKerasParams } from "./count.js";
import { normalizeKeras, setInputWidths, type KerasTopology } from "./json.js";
import { headParams } from "../../spec/param-count.js";
import { KerasSpecSchema, type KerasSpec } from "./spec.js";
import type { ModelFamily } from "../../train/family.js";
import type { KerasLayer } from "./format.js";
import { unsupportedClasses } from "./support.js";
import { asWritten, headRow, toSummary } from "../../spec/shape-summary.js";
import { planOutput } from "../../spec/output-plan.js";
import { SpecError } from "../../spec/training-error.js";

/** Each spec's JSON parsed once, whichever step asks first (inputs, limits, counting, building). */
const parsed = new WeakMap<object, KerasTopology>();
export function kerasTopology(spec: KerasSpec): KerasTopology {
  const key = spec as object;
  let t = parsed.get(key);
  if (!t) parsed.set(key, (t = normalizeKeras(spec.modelTopology)));
  return t;
}

/**
 * Every layer at every depth, with its path: a nested model's layers count against MAX_LAYERS
 * like any other (63 nested models of 150 layers each passed a top-level count of 63).
 */
function everyLayer(layers: KerasLayer[], path: string): Array<{ path: string; units?: number }> {
  return layers.flatMap((l, i) => {
    const at = `${path}[${i}]`;
    const inner = Array.isArray(l.config?.layers) ? everyLayer(l.config.layers, `${at}.config.layers`) : [];
    return [{ path: at, units: typeof l.config?.units === "number" ? l.config.units : undefined }, ...inner];
  });
}

/** A Keras `model.to_json()` (Keras 2 or 3), read into the layers tfjs knows. */
export const keras: ModelFamily<KerasSpec, typeof KerasSpecSchema> = {
  resource: "training.epochs",
  type: "keras",
  schema: KerasSpecSchema,
  inputs: (spec) => kerasTopology(spec).inputNames.map((name) => ({ name, encoding: "onehot" as const })),
  layers: (spec) => everyLayer(kerasTopology(spec).json.config.layers, "model.modelTopology.config.layers"),
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
  describe: (spec, groups, ctx) => {
    const t = kerasTopology(spec);
    const unsupported = unsupportedClasses(t.json.config.layers, "model.modelTopology.config.layers");
    if (unsupported.length) throw SpecError.of(unsupported);
    const k = countKerasParams(t, new Map(groups.map((g) => [g.name, g.width])), { maxUnits: Infinity, maxInputWidth: Infinity });
    if (k.errors.length) throw SpecError.of(k.errors);
    const warnings = setInputWidths(t, new Map(groups.map((g) => [g.name, g.width])));
    const last = k.rows.at(-1);
    const written = k.lastAsSpec[0];
    const plan = ctx.keepOutput
      ? asWritten(written?.type === "dense" ? written.units : k.outputWidth, written?.type === "dense" ? written.activation : undefined)
      : planOutput(k.lastAsSpec, ctx.task, ctx.classes, ctx.loss);
    if (plan.append && last)
      warnings.push(
        `the Keras model ends in ${last.type} "${last.name}", which does not fit the target: an output layer (${plan.units} ${plan.mode}) was appended`,
      );
    return { summary: toSummary([...k.rows, ...headRow(plan, k.outputWidth ?? 1)]), outputMode: plan.mode, warnings };
  },
  serving: networkServing(),
  build: async (spec, groups, ctx) => (await import("./build.js")).buildKeras(spec.modelTopology, groups, ctx),
};
