import { tfl } from "../../engine/tf.js";
import type { LayerSpec } from "../../spec/layers.js";
import { planOutput } from "../../spec/output-plan.js";
import { asWritten } from "../../spec/shape-summary.js";
import { SpecError } from "../../spec/training-error.js";
import type { InputGroup, NetworkContext } from "../../spec/network-context.js";
import type { Network } from "../../train/network.js";
import { outputHead } from "../../train/network.js";
import { normalizeKeras, setInputWidths } from "./json.js";
import { unsupportedClasses } from "./support.js";

const fail = SpecError.of;

export async function buildKeras(raw: unknown, groups: InputGroup[], ctx: NetworkContext): Promise<Network> {
  const topology = normalizeKeras(raw);
  const unsupported = unsupportedClasses(topology.json.config.layers, "model.modelTopology.config.layers");
  if (unsupported.length) throw fail(unsupported);
  const warnings = setInputWidths(topology, new Map(groups.map((g) => [g.name, g.width])));
  let model: tfl.LayersModel;
  try {
    model = await tfl.models.modelFromJSON({ modelTopology: topology.json } as never);
  } catch (err) {
    throw fail([{ path: "model.modelTopology", message: `TensorFlow.js could not build it: ${(err as Error).message.replace(/\s+/g, " ").slice(0, 500)}` }]);
  }
  const last = model.outputLayers?.[0] ?? model.layers.at(-1)!;
  const cfg = last.getConfig() as { units?: number; activation?: string };
  const asSpec =
    last.getClassName() === "Dense"
      ? [{ type: "dense", units: cfg.units, activation: cfg.activation === "linear" ? "linear" : cfg.activation } as LayerSpec]
      : [];
  const plan = ctx.keepOutput ? asWritten(cfg.units, cfg.activation) : planOutput(asSpec, ctx.task, ctx.classes, ctx.loss);
  if (!plan.append) return { model, plan, warnings };
  warnings.push(
    `the Keras model ends in ${last.getClassName()} "${last.name}", which does not fit the target: an output layer (${plan.units} ${plan.mode}) was appended`,
  );
  const head = outputHead(plan, ctx.seed + 7).apply(model.outputs[0]!) as tfl.SymbolicTensor;
  return { model: tfl.model({ inputs: model.inputs, outputs: head, name: model.name }), plan, warnings };
}
