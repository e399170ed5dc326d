/**
 * The fast path's codes, defined once: the TypeScript plan (plan.ts, trainer.ts) reads them here
 * and native/mlp/codes.h is generated from them (scripts/install-mlp.ts writes it before every
 * build of the addon; a unit test fails when the checked-in header is stale). A code is its
 * name's position.
 */
export const CODES = {
  /** Layer operations: C `OP_<NAME>`. */
  OP: {
    dense: "DENSE",
    dropout: "DROPOUT",
    activation: "ACT",
    batchNorm: "BATCHNORM",
    layerNorm: "LAYERNORM",
    noise: "NOISE",
    embedding: "EMBEDDING",
    concatenate: "CONCAT",
    add: "ADD",
    multiply: "MULTIPLY",
    average: "AVERAGE",
    identity: "IDENTITY",
  },
  /** Activations, by their Keras names: C `A_<NAME>`. */
  A: {
    linear: "LINEAR",
    relu: "RELU",
    relu6: "RELU6",
    sigmoid: "SIGMOID",
    tanh: "TANH",
    elu: "ELU",
    selu: "SELU",
    softplus: "SOFTPLUS",
    softsign: "SOFTSIGN",
    swish: "SWISH",
    softmax: "SOFTMAX",
    leaky: "LEAKY",
  },
  /** Losses, by their Keras names: C `L_<NAME>`. */
  L: {
    categorical_crossentropy: "CCE",
    sparse_categorical_crossentropy: "SCCE",
    binary_crossentropy: "BCE",
    mean_squared_error: "MSE",
    mean_absolute_error: "MAE",
  },
  /** Optimizers (SGD with momentum is its own): C `O_<NAME>`. */
  O: { sgd: "SGD", momentum: "MOMENTUM", adam: "ADAM", rmsprop: "RMSPROP", adagrad: "ADAGRAD" },
} as const;

type Group = keyof typeof CODES;

/** The code of a name in a group (-1 when the fast path has none). */
export const code = <G extends Group>(group: G, name: string): number => Object.keys(CODES[group]).indexOf(name);

/** The name of a code in a group. */
export const nameOf = <G extends Group>(group: G, c: number): string | undefined => Object.keys(CODES[group])[c];

/** tfjs's optimizer slot names per optimizer, in the order getWeights lists them (after `iter`). */
export const SLOT_NAMES: Record<keyof typeof CODES.O, string[]> = {
  sgd: [],
  momentum: ["momentum"],
  adam: ["m", "v"],
  rmsprop: ["rms", "momentum", "mg"],
  adagrad: ["accumulator"],
};

/** native/mlp/codes.h as generated from CODES. */
export function cHeader(): string {
  const lines = Object.entries(CODES).map(
    ([prefix, names]) =>
      `enum { ${Object.values(names)
        .map((n, i) => `${prefix}_${n} = ${i}`)
        .join(", ")} };`,
  );
  return `/* Generated from src/training/engine/fast/codes.ts by scripts/fast-codes.ts: do not edit. */\n#ifndef TREINO_CODES_H\n#define TREINO_CODES_H\n${lines.join("\n")}\n#endif\n`;
}
