import type { BackendPreference } from "../engine/backend.js";
import type { StoredPreprocessing } from "../data/stored-preprocessing.js";
import type { StoredArtifacts } from "../formats/model-json.js";
import type { Graph, LayerWriter } from "../formats/onnx.js";
import type { Contributions } from "../evaluate/contributions.js";
import { ExportError } from "../formats/export-error.js";

/** The files a trained model downloads as (MLflow's flavors). */
export type FormatName = "tfjs" | "keras" | "onnx" | "baseline" | "xgboost";
/** The formats built from the stored model on request (in a worker thread). */
export type ExportFormat = "keras" | "onnx" | "xgboost";

/** A loaded model scoring encoded rows: probabilities [n, classes] or values [n, 1]. */
export interface Predictor {
  scores(x: Float32Array, n: number): Promise<{ values: Float32Array; width: number }>;
  /** Each row's contributions per encoded input (models that explain their predictions: TreeSHAP). */
  explain?(x: Float32Array, n: number): Contributions;
  dispose(): void;
}

/**
 * How a family's trained models are served (MLflow's `_load_pyfunc` and `save_model`): the
 * formats a stored model has, loading it to predict, and building an export file. The model
 * service and the export thread ask a model's family for this and name no family themselves.
 */
export interface Serving {
  /** The formats of a stored model, its native one first, from its stored topology. */
  formats(topology: object): FormatName[];
  /**
   * The formats models of its kind are written in: asking a model for another is a 404, while
   * one of these that this model cannot be written in (`formats` leaves it out) is a 409.
   */
  offers(topology: object): FormatName[];
  load(a: StoredArtifacts, prep: StoredPreprocessing, backend: BackendPreference): Promise<Predictor>;
  /** The export file; throws ExportError when this model has none in `format`. */
  export(format: ExportFormat, a: StoredArtifacts, prep: StoredPreprocessing, meta: Record<string, string>): Promise<Uint8Array>;
  /** Its loaded models explain their predictions (Predictor.explain). */
  explains?: boolean;
  /**
   * Writes the model, its preprocessing first (reading the raw inputs by column name), into an
   * ONNX graph shared with other models (an AutoML ensemble's members): its output's name.
   * Throws ExportError when the model has no ONNX export.
   */
  writeOnnx(g: Graph, a: StoredArtifacts, prep: StoredPreprocessing): Promise<string>;
}

export interface NetworkServingOptions {
  /** Registers the family's own tfjs layer classes before a stored network loads. */
  registerLayers?: () => Promise<unknown>;
  /** ONNX writers of the family's own layer classes, by class name. */
  onnxLayers?: Record<string, LayerWriter>;
  /** A stored network with no Keras 3 archive (left out of its formats; the writer says why). */
  kerasLess?: (topology: object) => boolean;
}

/** Serving of a network stored as TF.js artifacts: tfjs, Keras 3 and ONNX. Loads tfjs on first use. */
export function networkServing(opts: NetworkServingOptions = {}): Serving {
  const loadNetwork = async (a: StoredArtifacts) => {
    await opts.registerLayers?.();
    return (await import("../formats/tfjs.js")).loadStored(a);
  };
  return {
    formats: (topology) => ["tfjs", ...(opts.kerasLess?.(topology) ? [] : ["keras" as const]), "onnx"],
    offers: () => ["tfjs", "keras", "onnx"],
    async load(a, prep, backend) {
      await (await import("../engine/backend.js")).initBackend(backend);
      const net = await loadNetwork(a);
      const { predictMatrix } = await import("../evaluate/predict.js");
      return { scores: async (x, n) => predictMatrix(net, x, n, prep.groups, prep.outputMode), dispose: () => net.dispose() };
    },
    async export(format, a, prep, meta) {
      const net = await loadNetwork(a);
      try {
        if (format !== "keras" && format !== "onnx") throw new ExportError(`a network has no ${format} file`);
        if (format === "keras") return await (await import("../formats/keras3.js")).kerasArchive(net, a.topology as never);
        return (await import("../formats/onnx.js")).onnxModel(net, a.topology as never, prep, meta, opts.onnxLayers);
      } finally {
        net.dispose();
      }
    },
    async writeOnnx(g, a, prep) {
      const net = await loadNetwork(a);
      try {
        return (await import("../formats/onnx.js")).writeNetwork(g, net, a.topology as never, prep, opts.onnxLayers);
      } finally {
        net.dispose();
      }
    },
  };
}
