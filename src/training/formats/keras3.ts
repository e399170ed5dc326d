/**
 * A trained network as a Keras 3 archive (`.keras`: a zip of config.json, metadata.json and
 * model.weights.h5), loadable by `keras.saving.load_model()` with no custom code. The config is
 * Keras 3's serialization format ({module, class_name, config, registered_name}); the weights are
 * HDF5 written by h5wasm (the HDF Group's library compiled to WebAssembly, in memory), in the
 * groups Keras 3 reads: layers/<snake_case class>[_n]/vars/<i>, in its own layer order.
 */
import AdmZip from "adm-zip";
import h5wasm from "h5wasm";
import { tf, tfl } from "../engine/tf.js";
import { ExportError } from "./export-error.js";
import { kerasLayerOrder, snakeCase } from "./graph-order.js";

export { ExportError };

interface StoredLayer {
  class_name: string;
  name?: string;
  config: Record<string, any>;
  inbound_nodes?: Array<Array<[string, number, number, Record<string, unknown>?]>>;
}

/** tfjs activation names as Keras 3 spells them; hard sigmoid differs in slope and is rescaled (below). */
const ACTIVATIONS: Record<string, string> = {
  linear: "linear",
  relu: "relu",
  relu6: "relu6",
  elu: "elu",
  selu: "selu",
  sigmoid: "sigmoid",
  softmax: "softmax",
  softplus: "softplus",
  softsign: "softsign",
  tanh: "tanh",
  swish: "swish",
  mish: "mish",
  gelu: "gelu",
  hardSigmoid: "hard_sigmoid",
  hard_sigmoid: "hard_sigmoid",
};
/**
 * tfjs's hardSigmoid is clip(0.2 x + 0.5); Keras 3's hard_sigmoid is relu6(x + 3) / 6 = clip(x / 6 + 0.5).
 * A Dense layer ending in it gets its kernel and bias times 1.2, so Keras computes the same values.
 */
const HARD_SIGMOID_SCALE = 1.2;

const activation = (name: string | undefined, at: string) => {
  const k = ACTIVATIONS[name ?? "linear"];
  if (!k) throw new ExportError(`${at}: activation ${name} has no Keras 3 equivalent`);
  return k;
};

/** Keras 3 class, config and the tfjs weight names in Keras's variable order, per tfjs layer class. */
function convert(layer: StoredLayer): { className: string; config: Record<string, unknown>; vars: string[]; scale?: number } {
  const c = layer.config;
  const at = `layer ${c.name}`;
  switch (layer.class_name) {
    case "Dense": {
      const hard = c.activation === "hardSigmoid";
      return {
        className: "Dense",
        config: { units: c.units, activation: activation(c.activation, at), use_bias: c.use_bias },
        vars: ["kernel", ...(c.use_bias ? ["bias"] : [])],
        scale: hard ? HARD_SIGMOID_SCALE : undefined,
      };
    }
    case "Dropout":
      return { className: "Dropout", config: { rate: c.rate }, vars: [] };
    case "GaussianNoise":
      return { className: "GaussianNoise", config: { stddev: c.stddev }, vars: [] };
    case "GaussianDropout":
      return { className: "GaussianDropout", config: { rate: c.rate }, vars: [] };
    case "AlphaDropout":
      return { className: "AlphaDropout", config: { rate: c.rate }, vars: [] };
    case "Activation":
      if (c.activation === "hardSigmoid") throw new ExportError(`${at}: a hardSigmoid Activation layer has no exact Keras 3 equivalent`);
      return { className: "Activation", config: { activation: activation(c.activation, at) }, vars: [] };
    case "LeakyReLU":
      return { className: "LeakyReLU", config: { negative_slope: c.alpha ?? 0.3 }, vars: [] };
    case "BatchNormalization":
      return {
        className: "BatchNormalization",
        config: { axis: c.axis ?? -1, momentum: c.momentum, epsilon: c.epsilon, center: c.center, scale: c.scale },
        vars: [...(c.scale ? ["gamma"] : []), ...(c.center ? ["beta"] : []), "moving_mean", "moving_variance"],
      };
    case "LayerNormalization":
      return {
        className: "LayerNormalization",
        config: { axis: c.axis ?? -1, epsilon: c.epsilon, center: c.center, scale: c.scale },
        vars: [...(c.scale ? ["gamma"] : []), ...(c.center ? ["beta"] : [])],
      };
    case "Flatten":
      return { className: "Flatten", config: { data_format: "channels_last" }, vars: [] };
    case "Reshape":
      return { className: "Reshape", config: { target_shape: c.target_shape }, vars: [] };
    case "Embedding":
      return { className: "Embedding", config: { input_dim: c.input_dim, output_dim: c.output_dim }, vars: ["embeddings"] };
    case "Concatenate":
      return { className: "Concatenate", config: { axis: c.axis ?? -1 }, vars: [] };
    case "Add":
    case "Multiply":
    case "Average":
    case "Maximum":
    case "Minimum":
      return { className: layer.class_name, config: {}, vars: [] };
    default:
      throw new ExportError(`${at}: ${layer.class_name} has no Keras 3 equivalent (an ELM's sine and RBF nodes export to ONNX only)`);
  }
}

const serialized = (className: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  module: "keras.layers",
  class_name: className,
  config,
  registered_name: null,
  ...extra,
});

/** The archive's bytes for a loaded TF.js model and its stored topology. */
export async function kerasArchive(
  model: tfl.LayersModel,
  topology: { class_name: string; config: { name?: string; layers: StoredLayer[]; input_layers?: unknown; output_layers?: unknown } },
  kerasVersion = "3.15.1",
): Promise<Buffer> {
  const stored = topology.config.layers;
  const sequential = topology.class_name === "Sequential";
  const weights = new Map<string, tf.Tensor>();
  for (const w of model.weights) weights.set(w.originalName ?? w.name, w.read());
  const layers: Array<{ name: string; className: string; entry: Record<string, unknown>; arrays: tf.Tensor[] }> = [];
  const scaled: tf.Tensor[] = [];
  const arraysOf = (name: string, vars: string[], scale?: number) =>
    vars.map((v) => {
      const t = weights.get(`${name}/${v}`);
      if (!t) throw new ExportError(`layer ${name}: weight ${v} not found`);
      if (!scale) return t;
      const s = tf.mul(t, scale);
      scaled.push(s);
      return s;
    });
  try {
    return await archive();
  } finally {
    tf.dispose(scaled);
  }

  async function archive(): Promise<Buffer> {
    if (sequential) {
      const first = stored[0]?.config;
      const shape = first?.batch_input_shape ?? model.inputs[0]!.shape;
      layers.push({
        name: "input_layer",
        className: "InputLayer",
        entry: serialized("InputLayer", { batch_shape: shape, dtype: "float32", sparse: false, name: "input_layer" }),
        arrays: [],
      });
      for (const l of stored) {
        const k = convert(l);
        layers.push({
          name: l.config.name,
          className: k.className,
          entry: serialized(k.className, { name: l.config.name, trainable: true, dtype: "float32", ...k.config }),
          arrays: arraysOf(l.config.name, k.vars, k.scale),
        });
      }
    } else {
      const shapeOf = (name: string) => model.getLayer(name).outputShape as number[];
      const graph = stored.map((l) => ({ name: (l.name ?? l.config.name) as string, inbound: (l.inbound_nodes?.[0] ?? []).map((n) => n[0]) }));
      const outputs = (topology.config.output_layers as Array<[string, number, number]>).map((o) => o[0]);
      const byName = new Map(stored.map((l) => [(l.name ?? l.config.name) as string, l]));
      for (const name of kerasLayerOrder(graph, outputs)) {
        const l = byName.get(name)!;
        const tensors = (l.inbound_nodes?.[0] ?? []).map((n) => ({
          class_name: "__keras_tensor__",
          config: { shape: shapeOf(n[0]), dtype: "float32", keras_history: [n[0], 0, 0] },
        }));
        const inbound = tensors.length ? [{ args: [tensors.length === 1 ? tensors[0] : tensors], kwargs: {} }] : [];
        if (l.class_name === "InputLayer") {
          layers.push({
            name,
            className: "InputLayer",
            entry: serialized(
              "InputLayer",
              { batch_shape: l.config.batch_input_shape, dtype: l.config.dtype ?? "float32", sparse: false, name },
              { name, inbound_nodes: [] },
            ),
            arrays: [],
          });
          continue;
        }
        const k = convert(l);
        layers.push({
          name,
          className: k.className,
          entry: serialized(k.className, { name, trainable: true, dtype: "float32", ...k.config }, { name, inbound_nodes: inbound }),
          arrays: arraysOf(name, k.vars, k.scale),
        });
      }
    }
    const modelName = topology.config.name ?? (sequential ? "sequential" : "functional");
    const config = sequential
      ? {
          module: "keras",
          class_name: "Sequential",
          config: { name: modelName, trainable: true, dtype: "float32", layers: layers.map((l) => l.entry) },
          registered_name: null,
          build_config: { input_shape: (layers[0]!.entry.config as { batch_shape: unknown }).batch_shape },
          compile_config: null,
        }
      : {
          module: "keras.src.models.functional",
          class_name: "Functional",
          registered_name: "Functional",
          build_config: { input_shape: null },
          compile_config: null,
          config: {
            name: modelName,
            trainable: true,
            layers: layers.map((l) => l.entry),
            input_layers: topology.config.input_layers,
            output_layers:
              (topology.config.output_layers as unknown[]).length === 1 ? (topology.config.output_layers as unknown[])[0] : topology.config.output_layers,
          },
        };
    const h5 = await weightsFile(modelName, sequential ? layers.slice(1) : layers);
    const zip = new AdmZip();
    zip.addFile(
      "metadata.json",
      Buffer.from(JSON.stringify({ keras_version: kerasVersion, date_saved: new Date().toISOString().slice(0, 16).replace("T", "@") })),
    );
    zip.addFile("config.json", Buffer.from(JSON.stringify(config)));
    zip.addFile("model.weights.h5", h5);
    return zip.toBuffer();
  }
}

let files = 0;

/** model.weights.h5: each layer's group (named as Keras 3 walks the model), its variables as float32 datasets. */
async function weightsFile(modelName: string, layers: Array<{ name: string; className: string; arrays: tf.Tensor[] }>): Promise<Buffer> {
  const { FS } = await h5wasm.ready;
  const path = `/treino-${process.pid}-${files++}.h5`;
  const file = new h5wasm.File(path, "w");
  try {
    file.create_group("layers");
    const seen = new Map<string, number>();
    for (const l of layers) {
      const base = snakeCase(l.className);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      const group = `layers/${n ? `${base}_${n}` : base}`;
      file.create_group(group);
      const vars = file.create_group(`${group}/vars`);
      vars.create_attribute("name", l.name);
      l.arrays.forEach((t, i) => vars.create_dataset({ name: String(i), data: Float32Array.from(t.dataSync()), shape: t.shape, dtype: "<f" }));
    }
    file.create_group("vars").create_attribute("name", modelName);
    file.close();
    return Buffer.from(FS!.readFile(path));
  } finally {
    try {
      FS!.unlink(path);
    } catch {
      /* never written */
    }
  }
}
