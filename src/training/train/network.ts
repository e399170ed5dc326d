import { tf, tfl } from "../engine/tf.js";
import type { FieldError } from "../../errors.js";
import { SpecError } from "../spec/training-error.js";
import { buildLayers, buildSequential } from "../engine/tfjs-builders.js";
import { asWritten, namer } from "../spec/shape-summary.js";
import { elmOutput, planOutput, type OutputPlan } from "../spec/output-plan.js";
import { checkGraph, isMerge } from "../spec/graph.js";
import { normalizeKeras, setInputWidths } from "../families/keras/json.js";
import { unsupportedClasses } from "../families/keras/support.js";
import type { InputGroup } from "../data/preprocess.js";
import type { FunctionalSpec } from "../families/functional/spec.js";
import type { LayerSpec } from "../spec/layers.js";
import type { ModelSpec } from "../spec/model-spec.js";
import type { SequentialSpec } from "../families/sequential/spec.js";
import { familyOf } from "../families/index.js";
import { candidateSizes, type ElmSpec } from "../families/elm/spec.js";
import { elmModel } from "../families/elm/hidden.js";
import type { RandomLayer } from "../families/elm/random-layers.js";

export interface Network {
  model: tfl.LayersModel;
  plan: OutputPlan;
  warnings: string[];
}

export type { NetworkContext } from "../spec/network-context.js";
import type { NetworkContext } from "../spec/network-context.js";

const fail = (errors: FieldError[]) => SpecError.of(errors);

/** A Dense output head for the target, Keras's default initializers. */
function outputHead(plan: OutputPlan, seed: number): tfl.layers.Layer {
  return tfl.layers.dense({ name: "output", units: plan.units, activation: plan.mode, kernelInitializer: tfl.initializers.glorotUniform({ seed }) });
}

/**
 * Builds any model spec over the given input groups (in the model's input order), with an output
 * layer that fits the target (the spec's own when it fits, else an appended `output` head).
 */
export function buildNetwork(spec: ModelSpec, groups: InputGroup[], ctx: NetworkContext): Promise<Network> {
  return familyOf(spec).build(spec, groups, ctx);
}

export function buildSequentialNetwork(spec: SequentialSpec, groups: InputGroup[], ctx: NetworkContext): Network {
  const last = spec.layers.at(-1);
  const plan = ctx.keepOutput ? asWritten(last?.type === "dense" ? last.units : undefined, last?.type === "dense" ? last.activation : undefined) : planOutput(spec.layers, ctx.task, ctx.classes, ctx.loss);
  return { model: buildSequential(spec, groups[0]!.width, plan, ctx.seed), plan, warnings: [] };
}

export function buildFunctional(spec: FunctionalSpec, groups: InputGroup[], ctx: NetworkContext): Network {
  const byName = new Map(groups.map((g) => [g.name, g]));
  const { errors, shapes } = checkGraph(spec, new Map(groups.map((g) => [g.name, g.width])));
  if (errors.length) throw fail(errors);
  const tensors = new Map<string, tfl.SymbolicTensor>();
  const inputs = spec.inputs.map((x) => {
    const t = tfl.input({ shape: [byName.get(x.name)!.width], name: x.name, dtype: "float32" });
    tensors.set(x.name, t);
    return t;
  });
  const name = namer();
  const order = [...shapes.keys()].filter((n) => !byName.has(n));
  const nodes = new Map(spec.nodes.map((n, i) => [n.name, { n, i }]));
  order.forEach((nodeName, k) => {
    const { n, i } = nodes.get(nodeName)!;
    let layer = n.layer;
    if (layer.type === "embedding") {
      const source = byName.get(n.inputs[0]!);
      if (!source || source.encoding !== "index") throw fail([{ path: `model.nodes[${i}].inputs[0]`, message: "an embedding reads an input with encoding: index (one categorical column)" }]);
      layer = { ...layer, inputDim: layer.inputDim ?? source.vocabulary! };
    }
    const built = buildLayers(layer, layer.name ?? name(layer.type), ctx.seed + 101 * k);
    const ins = n.inputs.map((s) => tensors.get(s)!);
    let out = built[0]!.apply(ins.length === 1 ? ins[0]! : ins) as tfl.SymbolicTensor;
    for (const extra of built.slice(1)) out = extra.apply(out) as tfl.SymbolicTensor;
    tensors.set(nodeName, out);
  });
  const outName = spec.outputs[0]!;
  const outShape = shapes.get(outName)!;
  if (outShape.length !== 1) throw fail([{ path: "model.outputs[0]", message: `the output node's shape is [${outShape}]: flatten it to one axis first` }]);
  const last = nodes.get(outName)?.n.layer;
  const lastSpec = last && !isMerge(last) ? [last as LayerSpec] : [];
  const plan = ctx.keepOutput
    ? asWritten(last?.type === "dense" ? last.units : outShape[0], last?.type === "dense" ? last.activation : undefined)
    : planOutput(lastSpec, ctx.task, ctx.classes, ctx.loss);
  let output = tensors.get(outName)!;
  if (plan.append) output = outputHead(plan, ctx.seed + 7).apply(output) as tfl.SymbolicTensor;
  return { model: tfl.model({ inputs, outputs: output, name: "functional" }), plan, warnings: [] };
}

/** An ELM's shape for its summary: the random layers (zero weights: they are drawn at fit time) and the output. */
export function describeElm(spec: ElmSpec, inputs: number, ctx: NetworkContext): Network {
  const plan: OutputPlan = { ...elmOutput(ctx.task, ctx.classes), append: false };
  let width = inputs;
  const layers = [...spec.layers.map((l) => ({ units: l.units, activation: l.activation ?? spec.activation })), { units: candidateSizes(spec).at(-1)!, activation: spec.activation }].map((l): RandomLayer => {
    const layer = { activation: l.activation, inputs: width, units: l.units, weights: new Float32Array(width * l.units), bias: new Float32Array(l.units) };
    width = l.units;
    return layer;
  });
  return { model: elmModel(layers, plan.units, plan.mode).model, plan, warnings: [] };
}

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
  const asSpec = last.getClassName() === "Dense" ? [{ type: "dense", units: cfg.units, activation: cfg.activation === "linear" ? "linear" : cfg.activation } as LayerSpec] : [];
  const plan = ctx.keepOutput ? asWritten(cfg.units, cfg.activation) : planOutput(asSpec, ctx.task, ctx.classes, ctx.loss);
  if (!plan.append) return { model, plan, warnings };
  warnings.push(`the Keras model ends in ${last.getClassName()} "${last.name}", which does not fit the target: an output layer (${plan.units} ${plan.mode}) was appended`);
  const head = outputHead(plan, ctx.seed + 7).apply(model.outputs[0]!) as tfl.SymbolicTensor;
  return { model: tfl.model({ inputs: model.inputs, outputs: head, name: model.name }), plan, warnings };
}
