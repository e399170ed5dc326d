import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { initBackend } from "../src/training/engine/backend.js";
import { tf, tfl } from "../src/training/engine/tf.js";
import { fitModel, type FitData, type FitOutcome } from "../src/training/engine/epoch-loop.js";
import { buildOptimizer, tfjsLoss, tfjsMetrics } from "../src/training/engine/tfjs-builders.js";
import { TrainingOptionsSchema, type LossName } from "../src/training/spec/training-options.js";
import { mulberry32, withSeededRandom } from "../src/training/engine/rng.js";
import { nativeAddon } from "../src/training/engine/native.js";
import type { Checkpoint } from "../src/training/engine/checkpoint.js";

type Layer = {
  units?: number;
  activation?: string;
  rate?: number;
  l1?: number;
  l2?: number;
  leaky?: number;
  batchNorm?: true;
  layerNorm?: true;
  act?: string;
  noise?: number;
  /** Dense without a bias (as before a batch norm: its gradient there is zero up to rounding, which Adam scales into steps). */
  noBias?: true;
};

/** A seeded network: the same layers give the same initial weights every time. */
function network(inputs: number, layers: Layer[], loss: LossName, optimizer: unknown, metrics: string[]): tfl.LayersModel {
  const m = tfl.sequential();
  layers.forEach((l, i) => {
    const inputShape = i === 0 ? [inputs] : undefined;
    if (l.rate !== undefined) m.add(tfl.layers.dropout({ rate: l.rate, inputShape }));
    else if (l.leaky !== undefined) m.add(tfl.layers.leakyReLU({ alpha: l.leaky, inputShape }));
    else if (l.batchNorm) m.add(tfl.layers.batchNormalization({ inputShape, momentum: 0.9 }));
    else if (l.layerNorm) m.add(tfl.layers.layerNormalization({ inputShape }));
    else if (l.act) m.add(tfl.layers.activation({ activation: l.act as "relu", inputShape }));
    else if (l.noise !== undefined) m.add(tfl.layers.gaussianNoise({ stddev: l.noise, inputShape }));
    else {
      const reg = l.l1 || l.l2 ? tfl.regularizers.l1l2({ l1: l.l1 ?? 0, l2: l.l2 ?? 0 }) : undefined;
      m.add(
        tfl.layers.dense({
          units: l.units!,
          activation: l.activation as "relu",
          inputShape,
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 7 + i }),
          biasInitializer: tfl.initializers.randomNormal({ seed: 70 + i, stddev: 0.1 }),
          useBias: !l.noBias,
          kernelRegularizer: reg,
          biasRegularizer: reg,
        }),
      );
    }
  });
  const opts = TrainingOptionsSchema.parse({ optimizer });
  m.compile({ optimizer: buildOptimizer(opts.optimizer), loss: tfjsLoss(loss) as string, metrics: tfjsMetrics(metrics as never) });
  return m;
}

/** n rows of d features and targets for the loss: one-hot, class index, 0/1 or a real value. */
function dataset(n: number, d: number, classes: number, loss: LossName, seed: number) {
  const r = mulberry32(seed);
  const x = Float32Array.from({ length: n * d }, () => r() * 2 - 1);
  const cls = Array.from({ length: n }, (_, i) => (x[i * d]! + x[i * d + 1]! > 0 ? 1 : 0) + (classes > 2 && x[i * d + 2]! > 0.3 ? 1 : 0));
  let y: tf.Tensor2D;
  if (loss === "categorical_crossentropy") y = tf.cast(tf.oneHot(tf.tensor1d(cls, "int32"), classes), "float32") as tf.Tensor2D;
  else if (loss === "sparse_categorical_crossentropy" || loss === "binary_crossentropy") y = tf.tensor2d(cls, [n, 1]);
  else
    y = tf.tensor2d(
      Array.from({ length: n }, (_, i) => x[i * d]! * 2 - x[i * d + 3]! + 0.1 * r()),
      [n, 1],
    );
  return { x: tf.tensor2d(x, [n, d]), y, cls };
}

async function train(
  fast: boolean,
  c: Case,
  extra: Partial<FitData> = {},
  hooks: Partial<Parameters<typeof fitModel>[3]> = {},
): Promise<{ out: FitOutcome; weights: Float32Array[]; model: tfl.LayersModel }> {
  const model = network(c.d ?? 6, c.layers, c.loss, c.optimizer, c.metrics ?? []);
  const train = dataset(c.n ?? 300, c.d ?? 6, c.classes ?? 3, c.loss, 1);
  const val = dataset(100, c.d ?? 6, c.classes ?? 3, c.loss, 2);
  const opts = TrainingOptionsSchema.parse({ epochs: c.epochs ?? 6, batchSize: c.batchSize ?? 32, optimizer: c.optimizer, seed: 5 });
  const data: FitData = { x: [train.x], y: train.y, validation: [[val.x], val.y], ...(fast ? { loss: c.loss } : {}), ...extra };
  const out = await withSeededRandom(5, () => fitModel(model, data, opts, { onEpoch: async () => true, ...hooks }));
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
  tf.dispose([train.x, train.y, val.x, val.y]);
  return { out, weights, model };
}

interface Case {
  name: string;
  layers: Layer[];
  loss: LossName;
  optimizer: unknown;
  metrics?: string[];
  classes?: number;
  n?: number;
  d?: number;
  epochs?: number;
  batchSize?: number;
}

const maxAbsDiff = (a: Float32Array[], b: Float32Array[]) => Math.max(...a.map((w, i) => Math.max(...w.map((v, k) => Math.abs(v - b[i]![k]!)))));

function assertAgree(c: Case, a: FitOutcome, b: FitOutcome, wa: Float32Array[], wb: Float32Array[]) {
  assert.equal(a.engine, "mlp-native", `${c.name}: the fast path took it`);
  assert.equal(b.engine, "tfjs");
  assert.deepEqual(Object.keys(a.history).sort(), Object.keys(b.history).sort(), `${c.name}: the same logs`);
  for (const [key, values] of Object.entries(b.history)) {
    values.forEach((v, e) =>
      assert.ok(Math.abs(a.history[key]![e]! - v) <= 2e-4 + 2e-4 * Math.abs(v), `${c.name}: ${key} epoch ${e + 1}: fast ${a.history[key]![e]} vs tfjs ${v}`),
    );
  }
  const diff = maxAbsDiff(wa, wb);
  const worst = wa.map((w, i) => maxAbsDiff([w], [wb[i]!])).indexOf(diff);
  assert.ok(diff < 2e-4, `${c.name}: weights differ by ${diff} after ${a.epochsRun} epochs (weight ${worst} of ${wa.length})`);
}

const hidden: Layer[] = [
  { units: 16, activation: "relu" },
  { units: 8, activation: "tanh" },
];
const CASES: Case[] = [
  {
    name: "adam, categorical crossentropy, accuracy",
    layers: [...hidden, { units: 3, activation: "softmax" }],
    loss: "categorical_crossentropy",
    optimizer: "adam",
    metrics: ["accuracy"],
  },
  {
    name: "sgd, sparse categorical crossentropy",
    layers: [
      { units: 12, activation: "elu" },
      { units: 3, activation: "softmax" },
    ],
    loss: "sparse_categorical_crossentropy",
    optimizer: { type: "sgd", learningRate: 0.1 },
    metrics: ["accuracy"],
  },
  {
    name: "nesterov momentum, binary crossentropy, L1/L2",
    layers: [
      { units: 10, activation: "selu", l1: 0.001, l2: 0.01 },
      { units: 1, activation: "sigmoid" },
    ],
    loss: "binary_crossentropy",
    optimizer: { type: "sgd", momentum: 0.9, nesterov: true },
    metrics: ["accuracy"],
    classes: 2,
  },
  {
    name: "centered rmsprop, mse, mae metric, leaky relu",
    layers: [{ units: 10 }, { leaky: 0.2 }, { units: 6, activation: "softplus" }, { units: 1 }],
    loss: "mean_squared_error",
    optimizer: { type: "rmsprop", centered: true, momentum: 0.5 },
    metrics: ["mae", "mse"],
  },
  {
    name: "adagrad, mae loss, swish and sigmoid",
    layers: [
      { units: 9, activation: "swish" },
      { units: 5, activation: "sigmoid" },
      { units: 1, activation: "linear" },
    ],
    loss: "mean_absolute_error",
    optimizer: { type: "adagrad", learningRate: 0.05 },
    metrics: ["mse"],
  },
  {
    name: "plain rmsprop, relu6/softsign, last batch short",
    layers: [
      { units: 7, activation: "relu6" },
      { units: 7, activation: "softsign" },
      { units: 3, activation: "softmax" },
    ],
    loss: "categorical_crossentropy",
    optimizer: "rmsprop",
    n: 301,
    batchSize: 64,
  },
  {
    name: "batch normalization between Dense and its activation (moving statistics too), adam",
    layers: [
      { units: 16, noBias: true },
      { batchNorm: true },
      { act: "relu" },
      { units: 8, activation: "tanh" },
      { batchNorm: true },
      { units: 3, activation: "softmax" },
    ],
    loss: "categorical_crossentropy",
    optimizer: "adam",
    metrics: ["accuracy"],
  },
  {
    name: "layer normalization, rmsprop, mse, a short last batch",
    layers: [{ units: 12, activation: "tanh" }, { layerNorm: true }, { units: 1 }],
    loss: "mean_squared_error",
    optimizer: "rmsprop",
    metrics: ["mae"],
    n: 301,
  },
  // The largest batchSize a spec may ask for, on 300 rows: one batch of all rows (buffers sized to the rows).
  {
    name: "batchSize 65,536 on 300 rows",
    layers: [...hidden, { units: 3, activation: "softmax" }],
    loss: "categorical_crossentropy",
    optimizer: "adam",
    metrics: ["accuracy"],
    batchSize: 65_536,
  },
];

/**
 * A network with a random layer (dropout, Gaussian noise): the fast path draws its own numbers,
 * so not tfjs's values, but the same seed gives the same weights, and it learns as tfjs does.
 */
async function randomLayerLearns(layers: Layer[]) {
  const c: Case = { name: "random", layers, loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"], epochs: 15 };
  const [a, b, plain] = [await train(true, c), await train(true, c), await train(false, c)];
  assert.equal(a.out.engine, "mlp-native");
  assert.deepEqual(a.weights, b.weights, "same seed, same draws, same weights");
  const [fast, tfjs] = [a.out.history, plain.out.history];
  assert.ok(fast.loss!.at(-1)! < fast.loss![0]! * 0.8, `loss fell: ${fast.loss![0]} -> ${fast.loss!.at(-1)}`);
  assert.ok(Math.abs(fast.val_loss!.at(-1)! - tfjs.val_loss!.at(-1)!) < 0.1, `val_loss ${fast.val_loss!.at(-1)} vs tfjs ${tfjs.val_loss!.at(-1)}`);
  assert.ok(Math.abs(fast.val_acc!.at(-1)! - tfjs.val_acc!.at(-1)!) <= 0.1, `val_acc ${fast.val_acc!.at(-1)} vs tfjs ${tfjs.val_acc!.at(-1)}`);
  [a, b, plain].forEach((r) => r.model.dispose());
}

describe("MLP fast path", { skip: nativeAddon() ? false : "native/mlp not built (no CBLAS)" }, () => {
  before(() => initBackend((process.env.TFJS_BACKEND as "auto") ?? "auto"));

  for (const c of CASES) {
    it(`agrees with tfjs from the same weights: ${c.name}`, async () => {
      const a = await train(true, c);
      const b = await train(false, c);
      assertAgree(c, a.out, b.out, a.weights, b.weights);
      a.model.dispose();
      b.model.dispose();
    });
  }

  it("agrees with tfjs on a functional network: two inputs, Embedding, Flatten, BatchNorm, Concatenate, Add, Multiply, Average", async () => {
    /** Numbers [n, 6] and two category indices [n, 2] of 10 values; 3 classes. */
    const data = (n: number, seed: number) => {
      const r = mulberry32(seed);
      const num = Float32Array.from({ length: n * 6 }, () => r() * 2 - 1);
      const cat = Float32Array.from({ length: n * 2 }, () => Math.floor(r() * 10));
      const y = Array.from({ length: n }, (_, i) => (num[i * 6]! + (cat[i * 2]! > 4 ? 0.8 : -0.4) > 0 ? 1 : 0) + (num[i * 6 + 1]! > 0.4 ? 1 : 0));
      return { x: [tf.tensor2d(num, [n, 6]), tf.tensor2d(cat, [n, 2])], y: tf.tensor2d(y, [n, 1]) };
    };
    const build = () => {
      let seed = 100;
      const init = () => tfl.initializers.glorotUniform({ seed: seed++ });
      const dense = (units: number, activation?: string, useBias = true) =>
        tfl.layers.dense({
          units,
          activation: activation as "relu",
          kernelInitializer: init(),
          useBias,
          biasInitializer: tfl.initializers.randomNormal({ seed: seed++, stddev: 0.1 }),
        });
      const num = tfl.input({ shape: [6] });
      const cat = tfl.input({ shape: [2] });
      const normed = tfl.layers
        .activation({ activation: "relu" })
        .apply(tfl.layers.batchNormalization().apply(dense(8, undefined, false).apply(num))) as tfl.SymbolicTensor;
      const embedded = tfl.layers
        .flatten()
        .apply(
          tfl.layers
            .embedding({ inputDim: 10, outputDim: 3, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: seed++ }) })
            .apply(cat),
        ) as tfl.SymbolicTensor;
      const joined = tfl.layers.concatenate().apply([normed, embedded]) as tfl.SymbolicTensor;
      const [a, b] = [dense(8, "tanh").apply(joined), dense(8, "sigmoid").apply(joined)] as tfl.SymbolicTensor[];
      const merged = tfl.layers.average().apply([tfl.layers.add().apply([a!, b!]), tfl.layers.multiply().apply([a!, b!])] as tfl.SymbolicTensor[]);
      const out = dense(3, "softmax").apply(tfl.layers.dropout({ rate: 0 }).apply(merged)) as tfl.SymbolicTensor;
      const model = tfl.model({ inputs: [num, cat], outputs: out });
      const opts = TrainingOptionsSchema.parse({ optimizer: "adam" });
      model.compile({
        optimizer: buildOptimizer(opts.optimizer),
        loss: tfjsLoss("sparse_categorical_crossentropy") as string,
        metrics: tfjsMetrics(["accuracy"]),
      });
      return model;
    };
    const run = async (fast: boolean) => {
      const model = build();
      const [train, val] = [data(400, 1), data(120, 2)];
      const opts = TrainingOptionsSchema.parse({ epochs: 6, batchSize: 32, optimizer: "adam", seed: 5 });
      const fitData: FitData = { x: train.x, y: train.y, validation: [val.x, val.y], ...(fast ? { loss: "sparse_categorical_crossentropy" as LossName } : {}) };
      const out = await withSeededRandom(5, () => fitModel(model, fitData, opts, { onEpoch: async () => true }));
      const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
      tf.dispose([...train.x, train.y, ...val.x, val.y]);
      return { out, weights, model };
    };
    const [a, b] = [await run(true), await run(false)];
    const c = { name: "functional", layers: [], loss: "sparse_categorical_crossentropy", optimizer: "adam" } as Case;
    assertAgree(c, a.out, b.out, a.weights, b.weights);
    assert.ok(a.out.history.acc!.at(-1)! > a.out.history.acc![0]!, "and it learns");
    a.model.dispose();
    b.model.dispose();
  });

  it("trains with Gaussian noise reproducibly, and learns", async () => {
    await randomLayerLearns([{ noise: 0.3 }, { units: 32, activation: "relu" }, { noise: 0.1 }, { units: 3, activation: "softmax" }]);
  });

  it("agrees with tfjs under class weights and per-row sample weights", async () => {
    const c = CASES[0]!;
    const cw = await Promise.all([true, false].map((f) => train(f, c, { classWeight: { 0: 3, 1: 0.5, 2: 1 } })));
    assertAgree({ ...c, name: "classWeight" }, cw[0]!.out, cw[1]!.out, cw[0]!.weights, cw[1]!.weights);
    const rows = Float32Array.from({ length: 300 }, (_, i) => 0.5 + (i % 4));
    const sw = await Promise.all([true, false].map((f) => train(f, c, { sampleWeight: rows })));
    assertAgree({ ...c, name: "sampleWeight" }, sw[0]!.out, sw[1]!.out, sw[0]!.weights, sw[1]!.weights);
    [...cw, ...sw].forEach((r) => r.model.dispose());
  });

  it("trains with dropout reproducibly, and learns", async () => {
    await randomLayerLearns([{ units: 32, activation: "relu" }, { rate: 0.3 }, { units: 3, activation: "softmax" }]);
  });

  it("leaves other layers, losses and optimizers to tfjs", async () => {
    const others: Case[] = [
      {
        name: "a softmax before the output",
        layers: [
          { units: 8, activation: "softmax" },
          { units: 3, activation: "softmax" },
        ],
        loss: "categorical_crossentropy",
        optimizer: "adam",
      },
      { name: "huber", layers: [{ units: 4 }, { units: 1 }], loss: "huber", optimizer: "adam" },
      { name: "adamax", layers: [{ units: 4 }, { units: 3, activation: "softmax" }], loss: "categorical_crossentropy", optimizer: "adamax" },
    ];
    for (const c of others) {
      const r = await train(true, { ...c, epochs: 1 });
      assert.equal(r.out.engine, "tfjs", c.name);
      r.model.dispose();
    }
  });

  it("checkpoints the optimizer state so a resumed run continues as one run", async () => {
    const c = { ...CASES[0]!, epochs: 6 };
    const whole = await train(true, c);
    let cp: Checkpoint | undefined;
    const firstHalf = await train(
      true,
      c,
      {},
      {
        checkpointEvery: 3,
        onCheckpoint: async (k) => void (cp ??= k),
        onEpoch: async (e) => e < 2, // stops after epoch 3, once its checkpoint is taken
      },
    );
    assert.ok(cp, "a checkpoint after 3 epochs");
    const resumed = await train(true, c, {}, { resume: cp });
    assert.equal(resumed.out.engine, "mlp-native");
    const diff = maxAbsDiff(resumed.weights, whole.weights);
    assert.ok(diff < 1e-6, `resumed weights differ by ${diff}`);
    assert.deepEqual(resumed.out.history.loss, whole.out.history.loss);
    [whole, firstHalf, resumed].forEach((r) => r.model.dispose());
  });
});
