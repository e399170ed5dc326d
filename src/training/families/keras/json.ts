import { SpecError } from "../../spec/training-error.js";
import type { KerasLayer, KerasLayerConfig, KerasModel } from "./format.js";
import { jsonDepth, MAX_KERAS_DEPTH } from "./spec.js";

/**
 * Keras `model.to_json()` → the Keras 2 layout tfjs-layers deserializes. Keras 3 differs in
 * three ways that matter (keras/src/saving/serialization_lib.py): every object carries `module`
 * and `registered_name`, dtypes are DTypePolicy objects, and `inbound_nodes` are
 * `{args: [__keras_tensor__ ...], kwargs}` instead of `[[name, node, tensor, kwargs]]`.
 */
export interface KerasTopology {
  /** The normalized topology (typed: keras-format.ts), ready for tfl.models.modelFromJSON. */
  json: KerasModel;
  className: string;
  /** Input layer names, in the model's input order. */
  inputNames: string[];
  /** Each layer's name, class and where it sits in the request. */
  layers: Array<{ name: string; className: string; path: string }>;
  kerasVersion: 2 | 3;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Config keys newer Keras writes that tfjs does not know (and that change nothing for inference here). */
const DROP_KEYS = new Set([
  "module",
  "registered_name",
  "build_config",
  "compile_config",
  "lora_rank",
  "lora_alpha",
  "quantization_config",
  "optional",
  "synchronized",
  "renorm",
  "renorm_clipping",
  "renorm_momentum",
  "shared_object_id",
]);

/** Keras spells these initializers Lecun* (2.4+ and 3); tfjs registers them as LeCun*. */
const RENAMED: Record<string, string> = {
  LecunNormal: "LeCunNormal",
  LecunUniform: "LeCunUniform",
  lecun_normal: "leCunNormal",
  lecun_uniform: "leCunUniform",
};

function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (!isObject(value)) return typeof value === "string" && value in RENAMED ? RENAMED[value] : value;
  // A DTypePolicy ({class_name: "DTypePolicy", config: {name: "float32"}}) becomes its name.
  if ((value.class_name === "DTypePolicy" || value.class_name === "Policy") && isObject(value.config)) return value.config.name;
  // Keras has L1 and L2 regularizer classes; tfjs registers only L1L2.
  if ((value.class_name === "L1" || value.class_name === "L2") && isObject(value.config)) {
    return { class_name: "L1L2", config: { l1: Number(value.config.l1 ?? 0), l2: Number(value.config.l2 ?? 0) } };
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (!DROP_KEYS.has(k)) out[k] = clean(v);
  return out;
}

/** `{class_name: "__keras_tensor__", config: {keras_history: [layer, node, tensor]}}` → `[layer, node, tensor, {}]`. */
function tensorRefs(arg: unknown): unknown[][] {
  if (Array.isArray(arg)) return arg.flatMap(tensorRefs);
  if (isObject(arg) && arg.class_name === "__keras_tensor__" && isObject(arg.config)) {
    const [layer, node, tensor] = arg.config.keras_history as [string, number, number];
    return [[layer, node, tensor, {}]];
  }
  return [];
}

function inboundNodes(nodes: unknown): unknown {
  if (!Array.isArray(nodes)) return nodes;
  return nodes.map((node) => (isObject(node) && "args" in node ? tensorRefs(node.args) : node));
}

function normalizeLayer(layer: Json): Json {
  if (typeof layer.class_name === "string" && NESTED.has(layer.class_name)) return normalizeModel(layer);
  const out = clean(layer) as Json;
  out.inbound_nodes = inboundNodes(layer.inbound_nodes);
  const config = out.config as Json | undefined;
  if (config && "batch_shape" in config) {
    config.batch_input_shape = config.batch_shape;
    delete config.batch_shape;
  }
  if (out.inbound_nodes === undefined) delete out.inbound_nodes;
  return out;
}

/** `[[name, 0, 0], ...]`, or Keras 3's single `[name, 0, 0]`, to names. */
function refNames(refs: unknown): string[] {
  if (!Array.isArray(refs)) return [];
  if (typeof refs[0] === "string") return [refs[0]];
  return refs.map((r) => (Array.isArray(r) ? String(r[0]) : "")).filter(Boolean);
}

const NESTED = new Set(["Sequential", "Functional", "Model"]);

/** `[name, 0, 0]` or `[[name, 0, 0], ...]` to the list form tfjs reads. */
const refList = (refs: unknown) => (Array.isArray(refs) && typeof refs[0] === "string" ? [refs] : refs);

/**
 * A model object (the top level, or a model used as a layer of another): Keras <= 2.1 wrote a
 * Sequential's config as the bare list of layers; `Model` is the old name of `Functional`.
 */
function normalizeModel(model: Json): Json {
  const className = model.class_name === "Model" ? "Functional" : String(model.class_name);
  const rawConfig = Array.isArray(model.config) ? { name: model.name ?? "sequential", layers: model.config } : (model.config as Json);
  const rawLayers = (Array.isArray(rawConfig.layers) ? rawConfig.layers : []) as unknown[];
  const layers = rawLayers.map((l) => (isObject(l) ? normalizeLayer(l) : l)) as Json[];
  const config: Json = { ...(clean({ ...rawConfig, layers: [] }) as Json), layers };
  if (className === "Functional") {
    config.input_layers = refList(rawConfig.input_layers);
    config.output_layers = refList(rawConfig.output_layers);
    // Keras 3 numbers a nested model's first call node 0; tfjs (like Keras 2) has the model's own
    // internal node at 0 and its calls from 1 on. Shift references to nested models accordingly.
    const keras3 = rawLayers.some((l) => isObject(l) && Array.isArray(l.inbound_nodes) && l.inbound_nodes.some((n) => isObject(n) && "args" in n));
    const nested = new Set(layers.filter((l) => NESTED.has(String(l.class_name))).map((l) => String(l.name ?? (l.config as Json)?.name)));
    if (keras3 && nested.size) {
      const shift = (ref: unknown) => (Array.isArray(ref) && nested.has(String(ref[0])) ? [ref[0], Number(ref[1] ?? 0) + 1, ...ref.slice(2)] : ref);
      for (const l of layers)
        if (Array.isArray(l.inbound_nodes)) l.inbound_nodes = l.inbound_nodes.map((node) => (Array.isArray(node) ? node.map(shift) : node));
      config.output_layers = (config.output_layers as unknown[] | undefined)?.map(shift);
    }
  }
  const out: Json = { class_name: className, config };
  if (model.name !== undefined) out.name = model.name;
  if (model.inbound_nodes !== undefined) out.inbound_nodes = inboundNodes(model.inbound_nodes);
  return out;
}

const invalid = (path: string, message: string) => SpecError.of([{ path, message }]);

/** Parses and normalizes a Keras JSON (an object, a JSON string, or tfjs's modelTopology wrapper). */
export function normalizeKeras(raw: unknown): KerasTopology {
  const base = "model.modelTopology";
  let top: unknown = raw;
  if (typeof raw === "string") {
    try {
      top = JSON.parse(raw);
    } catch (err) {
      throw invalid(base, `not valid JSON: ${(err as Error).message}`);
    }
  }
  if (jsonDepth(top, MAX_KERAS_DEPTH) > MAX_KERAS_DEPTH) throw invalid(base, `nested more than ${MAX_KERAS_DEPTH} levels deep: not a Keras model.to_json()`);
  if (isObject(top) && isObject(top.model_config)) top = top.model_config; // a tfjs model.json's modelTopology
  if (isObject(top) && top.class_name === "Sequential" && Array.isArray(top.config)) top = { ...top, config: { name: "sequential", layers: top.config } }; // Keras <= 2.1
  if (!isObject(top) || typeof top.class_name !== "string" || !isObject(top.config)) {
    throw invalid(base, "expected the JSON of a Keras model.to_json(): {class_name, config: {layers, ...}}");
  }
  const className = top.class_name === "Model" ? "Functional" : top.class_name;
  if (className !== "Sequential" && className !== "Functional")
    throw invalid(`${base}.class_name`, `a ${className} model cannot be read; use a Sequential or Functional model`);
  const config = top.config as Json;
  const rawLayers = Array.isArray(config.layers) ? (config.layers as unknown[]) : undefined;
  if (!rawLayers?.length) throw invalid(`${base}.config.layers`, "the model has no layers");
  const kerasVersion = JSON.stringify(top).includes('"__keras_tensor__"') || "module" in top ? 3 : 2;
  rawLayers.forEach((l, i) => {
    if (!isObject(l) || typeof l.class_name !== "string" || !(isObject(l.config) || (l.class_name === "Sequential" && Array.isArray(l.config)))) {
      throw invalid(`${base}.config.layers[${i}]`, "expected {class_name, config}");
    }
  });
  // The parse boundary: from here on the topology is typed (keras-format.ts). The cast: the
  // checks above walk every layer's shape; a zod schema of all Keras layer configs would be a
  // second copy of keras-format.ts.
  const json = normalizeModel(top) as unknown as KerasModel;
  const layers = json.config.layers;
  const described = layers.map((l, i) => ({
    name: String(l.name ?? l.config.name ?? `layer_${i}`),
    className: String(l.class_name),
    path: `${base}.config.layers[${i}]`,
  }));
  let inputNames: string[];
  if (className === "Functional") {
    inputNames = refNames(config.input_layers);
    if (!inputNames.length) throw invalid(`${base}.config.input_layers`, "a Functional model needs input_layers");
  } else {
    const input = described.find((l) => l.className === "InputLayer");
    inputNames = [input?.name ?? "input"];
  }
  return { json, className, inputNames, layers: described, kerasVersion };
}

/**
 * Sets each input's width to the dataset's encoded width. A different width in the JSON is
 * overridden with a warning: the dataset decides what the input is.
 */
export function setInputWidths(t: KerasTopology, widths: Map<string, number>): string[] {
  const warnings: string[] = [];
  const layers: KerasLayer[] = t.json.config.layers;
  const apply = (config: KerasLayerConfig, name: string) => {
    const width = widths.get(name);
    if (width === undefined) return;
    const given = config.batch_input_shape?.at(-1);
    if (given != null && given !== width)
      warnings.push(`model input "${name}" is ${given} wide in the Keras JSON; the dataset's encoded features make it ${width}: using ${width}`);
    config.batch_input_shape = [null, width];
  };
  if (t.className === "Functional") {
    for (const l of layers) if (l.class_name === "InputLayer") apply(l.config, String(l.name ?? l.config.name));
  } else {
    // The first layer: an InputLayer, or a Keras 2 first layer holding the input shape (given one if it has none).
    apply(layers[0]!.config, t.inputNames[0]!);
  }
  return warnings;
}
