import { z } from "zod";

/**
 * Layer specs: Keras names and defaults (https://keras.io/api/layers/). Each entry is a
 * strict object so a misspelt field is a 400, not silently ignored.
 */

/** Keras activation names; snake_case aliases are accepted as Keras writes them. */
export const ActivationSchema = z
  .enum([
    "linear",
    "relu",
    "relu6",
    "elu",
    "selu",
    "gelu",
    "swish",
    "silu",
    "mish",
    "tanh",
    "sigmoid",
    "hardSigmoid",
    "hard_sigmoid",
    "softmax",
    "softplus",
    "softsign",
    "leakyRelu",
    "leaky_relu",
  ])
  .describe("Keras activation name");
export type Activation = z.infer<typeof ActivationSchema>;

export const RegularizerSchema = z
  .strictObject({
    l1: z.number().min(0).max(10).default(0).describe("L1 factor (Keras `l1`)"),
    l2: z.number().min(0).max(10).default(0).describe("L2 factor (Keras `l2`)"),
  })
  .describe("Keras L1L2 regularizer: penalty l1*sum|w| + l2*sum w^2");
export type RegularizerSpec = z.infer<typeof RegularizerSchema>;

export const InitializerSchema = z
  .enum([
    "glorotUniform",
    "glorotNormal",
    "heUniform",
    "heNormal",
    "leCunUniform",
    "leCunNormal",
    "zeros",
    "ones",
    "randomNormal",
    "randomUniform",
    "truncatedNormal",
  ])
  .describe("Keras initializer name (camelCase)");

const name = z
  .string()
  .regex(/^[A-Za-z][\w.-]{0,63}$/)
  .optional()
  .describe("Layer name, unique in the model");

export const DenseSchema = z.strictObject({
  type: z.literal("dense"),
  name,
  units: z.number().int().min(1).describe("Output width"),
  activation: ActivationSchema.default("linear"),
  useBias: z.boolean().default(true),
  kernelInitializer: InitializerSchema.default("glorotUniform"),
  biasInitializer: InitializerSchema.default("zeros"),
  kernelRegularizer: RegularizerSchema.optional(),
  biasRegularizer: RegularizerSchema.optional(),
  activityRegularizer: RegularizerSchema.optional(),
});

export const DropoutSchema = z.strictObject({
  type: z.literal("dropout"),
  name,
  rate: z.number().min(0).lt(1).describe("Fraction of inputs dropped while training"),
});

export const ActivationLayerSchema = z.strictObject({
  type: z.literal("activation"),
  name,
  activation: ActivationSchema,
});

export const BatchNormalizationSchema = z.strictObject({
  type: z.literal("batchNormalization"),
  name,
  momentum: z.number().gt(0).lt(1).default(0.99),
  epsilon: z.number().gt(0).default(1e-3),
  center: z.boolean().default(true),
  scale: z.boolean().default(true),
});

export const LayerNormalizationSchema = z.strictObject({
  type: z.literal("layerNormalization"),
  name,
  epsilon: z.number().gt(0).default(1e-3),
});

export const GaussianNoiseSchema = z.strictObject({
  type: z.literal("gaussianNoise"),
  name,
  stddev: z.number().min(0),
});

export const GaussianDropoutSchema = z.strictObject({
  type: z.literal("gaussianDropout"),
  name,
  rate: z.number().min(0).lt(1),
});

export const AlphaDropoutSchema = z.strictObject({
  type: z.literal("alphaDropout"),
  name,
  rate: z.number().min(0).lt(1),
});

export const LeakyReluSchema = z.strictObject({
  type: z.literal("leakyRelu"),
  name,
  alpha: z.number().min(0).default(0.3).describe("Slope for x < 0 (Keras LeakyReLU's default 0.3)"),
});

export const FlattenSchema = z.strictObject({ type: z.literal("flatten"), name });

export const ReshapeSchema = z.strictObject({
  type: z.literal("reshape"),
  name,
  targetShape: z.array(z.number().int().min(1)).min(1).max(4).describe("Shape without the batch axis"),
});

export const EmbeddingSchema = z.strictObject({
  type: z.literal("embedding"),
  name,
  outputDim: z.number().int().min(1).describe("Size of each category's vector"),
  inputDim: z.number().int().min(2).optional().describe("Vocabulary size; default: the column's categories + 1 (unknown)"),
  embeddingsRegularizer: RegularizerSchema.optional(),
});

/** Keras merge layers: take two or more inputs of one shape (concatenate: any widths). */
export const MergeSchema = z.strictObject({
  type: z.enum(["concatenate", "add", "multiply", "average", "maximum", "minimum"]),
  name,
});

export const LayerSpecSchema = z.discriminatedUnion("type", [
  DenseSchema,
  DropoutSchema,
  ActivationLayerSchema,
  BatchNormalizationSchema,
  LayerNormalizationSchema,
  GaussianNoiseSchema,
  GaussianDropoutSchema,
  AlphaDropoutSchema,
  LeakyReluSchema,
  FlattenSchema,
  ReshapeSchema,
  EmbeddingSchema,
]);
export type LayerSpec = z.infer<typeof LayerSpecSchema>;
export type DenseSpec = z.infer<typeof DenseSchema>;
export type MergeSpec = z.infer<typeof MergeSchema>;
/** Any layer of a functional graph: a single-input layer or a merge. */
export const NodeLayerSchema = z.union([LayerSpecSchema, MergeSchema]);
export type NodeLayerSpec = z.infer<typeof NodeLayerSchema>;
