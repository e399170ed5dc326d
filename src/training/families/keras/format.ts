/**
 * The Keras `model.to_json()` layout as data-only types (after normalizeKeras: the Keras 2 form
 * tfjs reads), kept apart from any runtime code as tfjs-layers keeps its `keras_format`
 * (src/keras_format/model_serialization.ts, layers/*_serialization.ts). Every step after the
 * parse (counting, input widths, limits, building) reads these, not untyped JSON.
 */

/** `[layer name, node index, tensor index, call kwargs]`: one input of one call of a layer. */
export type KerasNodeRef = [string, number, number, Record<string, unknown>];

/** `[layer name, node index, tensor index]`: a model's input or output. */
export type KerasTensorRef = [string, number, number];

/** The config fields the service reads; the rest passes through to tfjs untouched. */
export interface KerasLayerConfig {
  name?: string;
  units?: number;
  use_bias?: boolean;
  activation?: string;
  /** [batch, ...per-sample shape]; the batch axis is null. */
  batch_input_shape?: Array<number | null>;
  input_dim?: number;
  output_dim?: number;
  axis?: number | number[];
  center?: boolean;
  scale?: boolean;
  target_shape?: number[];
  /** A nested model used as a layer: its own layers and inputs/outputs. */
  layers?: KerasLayer[];
  input_layers?: KerasTensorRef[];
  output_layers?: KerasTensorRef[];
  [key: string]: unknown;
}

/** One layer (or a nested model) of a Keras model. */
export interface KerasLayer {
  class_name: string;
  name?: string;
  config: KerasLayerConfig;
  /** One entry per call of the layer, each the list of its inputs. Absent in a Sequential. */
  inbound_nodes?: KerasNodeRef[][];
}

/** A whole model, Sequential or Functional (`Model` is read as Functional). */
export interface KerasModel {
  class_name: "Sequential" | "Functional";
  config: KerasLayerConfig & { layers: KerasLayer[] };
}
