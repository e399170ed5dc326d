import { networkServing } from "../../train/network-serving.js";
import { countFunctional } from "./count.js";
import { FunctionalSpecSchema, type FunctionalSpec } from "./spec.js";
import type { ModelFamily } from "../../train/family.js";
import { checkGraph, isMerge } from "../../spec/graph.js";
import { kerasLayerOrder } from "../../formats/graph-order.js";
import { planOutput } from "../../spec/output-plan.js";
import { asWritten, headRow, layerRows, namer, toSummary, type NetworkDescription, type SummaryRow } from "../../spec/shape-summary.js";
import { SpecError } from "../../spec/training-error.js";
import type { LayerSpec } from "../../spec/layers.js";
import type { InputGroup } from "../../data/encoding.js";
import type { NetworkContext } from "../../spec/network-context.js";

const fail = (path: string, message: string) => SpecError.of([{ path, message }]);

/** The summary from the spec's shapes, named and ordered as buildFunctional builds it (shape-summary.ts). */
function describeFunctional(spec: FunctionalSpec, groups: InputGroup[], ctx: NetworkContext): NetworkDescription {
  const byName = new Map(groups.map((g) => [g.name, g]));
  const { errors, shapes } = checkGraph(spec, new Map(groups.map((g) => [g.name, g.width])));
  if (errors.length) throw SpecError.of(errors);
  const name = namer();
  const nodes = new Map(spec.nodes.map((n, i) => [n.name, { n, i }]));
  // Rows by node name (a node may be two layers); named as buildFunctional names them, in its order.
  const rowsOf = new Map<string, SummaryRow[]>(
    spec.inputs.map((x) => [x.name, [{ name: x.name, type: "InputLayer", outputShape: [null, byName.get(x.name)!.width], params: 0 }]]),
  );
  for (const nodeName of [...shapes.keys()].filter((n) => !byName.has(n))) {
    const { n, i } = nodes.get(nodeName)!;
    let layer = n.layer;
    if (layer.type === "embedding") {
      const source = byName.get(n.inputs[0]!);
      if (!source || source.encoding !== "index")
        throw fail(`model.nodes[${i}].inputs[0]`, "an embedding reads an input with encoding: index (one categorical column)");
      layer = { ...layer, inputDim: layer.inputDim ?? source.vocabulary! };
    }
    rowsOf.set(
      nodeName,
      layerRows(
        layer,
        layer.name ?? name(layer.type),
        n.inputs.map((s) => shapes.get(s)!),
        shapes.get(nodeName)!,
      ),
    );
  }
  const outName = spec.outputs[0]!;
  const outShape = shapes.get(outName)!;
  if (outShape.length !== 1) throw fail("model.outputs[0]", `the output node's shape is [${outShape}]: flatten it to one axis first`);
  const last = nodes.get(outName)?.n.layer;
  const lastSpec = last && !isMerge(last) ? [last as LayerSpec] : [];
  const plan = ctx.keepOutput
    ? asWritten(last?.type === "dense" ? last.units : outShape[0], last?.type === "dense" ? last.activation : undefined)
    : planOutput(lastSpec, ctx.task, ctx.classes, ctx.loss);
  // tfjs orders a functional model's layers as Keras's map_graph does (formats/graph-order.ts);
  // a node built as two layers is a chain of both.
  const graph = [...rowsOf.entries()].flatMap(([node, rows]) => {
    const inbound = nodes.get(node)?.n.inputs.map((s) => rowsOf.get(s)!.at(-1)!.name) ?? [];
    return rows.map((r, k) => ({ name: r.name, inbound: k === 0 ? inbound : [rows[k - 1]!.name], row: r }));
  });
  const head = headRow(plan, outShape[0]!);
  const outLayer = rowsOf.get(outName)!.at(-1)!.name;
  if (head.length) graph.push({ name: "output", inbound: [outLayer], row: head[0]! });
  const rowByName = new Map(graph.map((g) => [g.name, g.row]));
  const order = kerasLayerOrder(graph, [head.length ? "output" : outLayer]);
  return { summary: toSummary(order.map((n) => rowByName.get(n)!)), outputMode: plan.mode, warnings: [] };
}

/** Keras Functional: named inputs, a graph of nodes, one output. */
export const functional: ModelFamily<FunctionalSpec, typeof FunctionalSpecSchema> = {
  resource: "training.epochs",
  type: "functional",
  schema: FunctionalSpecSchema,
  inputs: (spec) => spec.inputs.map((x) => ({ name: x.name, encoding: x.encoding })),
  layers: (spec) => spec.nodes.map((n, i) => ({ path: `model.nodes[${i}].layer`, units: n.layer.type === "dense" ? n.layer.units : undefined })),
  layersPath: "model.nodes",
  countParams: countFunctional,
  declaredWidths: (spec, _inputWidth, errors) =>
    spec.inputs.map((x, i) => {
      if (!x.width) errors.push({ path: `model.inputs[${i}].width`, message: "give datasetId and target, or each input's width" });
      return { name: x.name, width: x.width ?? 1 };
    }),
  describe: describeFunctional,
  serving: networkServing(),
  build: async (spec, groups, ctx) => (await import("./build.js")).buildFunctional(spec, groups, ctx),
};
