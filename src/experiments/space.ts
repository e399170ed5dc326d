import { AppError } from "../errors.js";
import { z } from "zod";
import { FeatureSelectionSchema, ModelSpecSchema, mulberry32 } from "../training/index.js";

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(50);
/** Feature selection as a dimension of any space: each choice a preprocessing.featureSelection, or null for all columns. */
const selection = {
  featureSelection: list(FeatureSelectionSchema.nullable()).optional().describe('e.g. [null, {"method": "anova", "keep": 5}, {"method": "l1", "keep": 0.5}]'),
};
const activations = z.enum(["relu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", "softplus", "linear"]);

/** Search spaces: each field a list of choices. `mlp` is what POST /v1/advice/hidden-units returns. */
export const SpaceSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("mlp"),
    hiddenLayers: list(z.number().int().min(0).max(8)).describe("Allowed counts of hidden Dense layers"),
    units: list(z.number().int().min(1)).describe("Allowed widths, chosen per layer"),
    activation: list(activations).default(["relu"]),
    dropout: list(z.number().min(0).lt(1)).default([0]).describe("Dropout after each hidden layer (0: none)"),
    l1: list(z.number().min(0)).default([0]),
    l2: list(z.number().min(0)).default([0]),
    optimizer: list(z.enum(["adam", "sgd", "rmsprop", "adamax", "adagrad"])).default(["adam"]),
    learningRate: list(z.number().gt(0).max(10)).default([0.001]),
    batchSize: list(z.number().int().min(1).max(65_536)).default([32]),
    ...selection,
  }),
  z.strictObject({
    type: z.literal("elm"),
    hiddenUnits: list(z.number().int().min(1)),
    activation: list(z.enum(["sigmoid", "tanh", "relu", "sine", "hardlim", "rbf"])).default(["sigmoid"]),
    alpha: list(z.number().min(0).max(1e6)).default([1e-6]),
    ...selection,
  }),
  z.strictObject({
    type: z.literal("svm"),
    C: list(z.number().gt(0).max(1e6)),
    gamma: list(z.union([z.literal("scale"), z.number().gt(0).max(1e6)])).default(["scale"]),
    kernel: list(z.enum(["rbf", "linear", "polynomial", "sigmoid"])).default(["rbf"]),
    ...selection,
  }),
  z.strictObject({
    type: z.literal("spec"),
    model: ModelSpecSchema.describe("The spec the paths below are set in"),
    params: z
      .record(
        z
          .string()
          .regex(
            /^(model|training|preprocessing)(\.[A-Za-z_]\w*|\[\d{1,4}\])+$/,
            "a path such as model.layers[0].units, training.optimizer.learningRate or preprocessing.featureSelection",
          )
          .refine((p) => !/(^|\.)(__proto__|constructor|prototype)(\.|\[|$)/.test(p), "a path through __proto__, constructor or prototype"),
        list(z.unknown()),
      )
      .refine((p) => Object.keys(p).length >= 1 && Object.keys(p).length <= 20, "1 to 20 paths")
      .describe('Any spec field: {"model.layers[0].units": [16, 64], "training.optimizer.learningRate": [0.001, 0.01]}'),
  }),
]);
export type Space = z.infer<typeof SpaceSchema>;

/** One point of a space: gene name -> value (`layers` is the list of hidden widths of an mlp). */
export type Individual = Record<string, unknown>;

/** The genes of a space with their choices; an mlp's `layers` gene is a list of its own. */
function genes(space: Space): Array<[string, unknown[]]> {
  if (space.type === "spec") return Object.entries(space.params);
  return Object.entries(space).filter(([k, v]) => k !== "type" && k !== "hiddenLayers" && k !== "units" && v !== undefined) as Array<[string, unknown[]]>;
}

/** A stable text for an individual: equal points, equal keys (an experiment trains each once). */
export const keyOf = (ind: Individual) =>
  JSON.stringify(
    Object.keys(ind)
      .sort()
      .map((k) => [k, ind[k]]),
  );

/** Short readable name of the genes that vary: `layers=64-32 activation=relu learningRate=0.01`. */
export const nameOf = (ind: Individual, space?: Space) =>
  Object.entries(ind)
    .filter(([k]) => !space || k === "layers" || (genes(space).find(([g]) => g === k)?.[1].length ?? 2) > 1)
    .map(([k, v]) => `${k.replace(/^(model|training|preprocessing)\./, "")}=${show(v)}`)
    .join(" ");

function show(v: unknown): string {
  if (Array.isArray(v)) return v.join("-") || "none";
  if (v && typeof v === "object" && "method" in v && "keep" in v) return `${(v as { method: string }).method}:${(v as { keep: number }).keep}`;
  return v && typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** Points in a full grid: the product of each gene's choices (an mlp's layer lists counted per depth). */
export function gridSize(space: Space): number {
  let size = genes(space).reduce((n, [, v]) => n * v.length, 1);
  if (space.type === "mlp") size *= [...new Set(space.hiddenLayers)].reduce((s, depth) => s + space.units.length ** depth, 0);
  return size;
}

/** Every point of the grid, in a fixed order (call gridSize first: this allocates them all). */
export function grid(space: Space): Individual[] {
  let points: Individual[] = [{}];
  if (space.type === "mlp") {
    let lists: number[][] = [];
    for (const depth of [...new Set(space.hiddenLayers)].sort((a, b) => a - b)) {
      let at: number[][] = [[]];
      for (let l = 0; l < depth; l++) at = at.flatMap((p) => space.units.map((u) => [...p, u]));
      lists = lists.concat(at);
    }
    points = lists.map((layers) => ({ layers }));
  }
  for (const [name, values] of genes(space)) points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  return points;
}

const pick = <T>(values: readonly T[], random: () => number): T => values[Math.floor(random() * values.length)]!;

/** One point drawn uniformly gene by gene (an mlp's depth first, then each layer's width). */
export function sample(space: Space, random: () => number): Individual {
  const ind: Individual = {};
  if (space.type === "mlp") {
    const depth = pick(space.hiddenLayers, random);
    ind.layers = Array.from({ length: depth }, () => pick(space.units, random));
  }
  for (const [name, values] of genes(space)) ind[name] = pick(values, random);
  return ind;
}

/** `count` distinct points when the space has them (a few retries per draw), seeded. */
export function sampleDistinct(space: Space, count: number, seed: number): Individual[] {
  const random = mulberry32(seed);
  const seen = new Map<string, Individual>();
  for (let tries = 0; seen.size < count && tries < count * 20; tries++) {
    const ind = sample(space, random);
    seen.set(keyOf(ind), ind);
  }
  return [...seen.values()];
}

/**
 * Genetic operators over layer lists and numbers. Crossover: an mlp child takes a prefix of one
 * parent's layers and the rest from the other's (one point, each cut at a random place, the depth
 * kept to one allowed), every other gene from either parent at random (uniform crossover).
 * Mutation: each gene with probability `rate` takes another of its choices; an mlp's layers may
 * change one width, or gain or lose a layer within the allowed depths.
 */
export function crossover(space: Space, a: Individual, b: Individual, random: () => number): Individual {
  const child: Individual = {};
  if (space.type === "mlp") {
    const la = a.layers as number[];
    const lb = b.layers as number[];
    const cutA = Math.floor(random() * (la.length + 1));
    const cutB = Math.floor(random() * (lb.length + 1));
    let layers = [...la.slice(0, cutA), ...lb.slice(cutB)];
    if (!space.hiddenLayers.includes(layers.length)) layers = [...(random() < 0.5 ? la : lb)];
    child.layers = layers;
  }
  for (const [name] of genes(space)) child[name] = random() < 0.5 ? a[name] : b[name];
  return child;
}

export function mutate(space: Space, ind: Individual, rate: number, random: () => number): Individual {
  const out: Individual = { ...ind };
  if (space.type === "mlp" && random() < rate) {
    const layers = [...(ind.layers as number[])];
    const move = random();
    const deeper = space.hiddenLayers.includes(layers.length + 1);
    const shallower = space.hiddenLayers.includes(layers.length - 1);
    if (move < 0.5 && layers.length) layers[Math.floor(random() * layers.length)] = pick(space.units, random);
    else if (move < 0.75 && deeper) layers.splice(Math.floor(random() * (layers.length + 1)), 0, pick(space.units, random));
    else if (shallower) layers.splice(Math.floor(random() * layers.length), 1);
    else if (layers.length) layers[Math.floor(random() * layers.length)] = pick(space.units, random);
    out.layers = layers;
  }
  for (const [name, values] of genes(space)) if (values.length > 1 && random() < rate) out[name] = pick(values, random);
  return out;
}

/** The model, training options and preprocessing of one point. */
export function specOf(space: Space, ind: Individual): { model: unknown; training: Record<string, unknown>; preprocessing?: Record<string, unknown> } {
  const { model, training, preprocessing } = modelOf(space, ind);
  const fs = ind.featureSelection;
  return { model, training, preprocessing: fs === undefined ? preprocessing : { ...preprocessing, featureSelection: fs ?? undefined } };
}

function modelOf(space: Space, ind: Individual): { model: unknown; training: Record<string, unknown>; preprocessing?: Record<string, unknown> } {
  switch (space.type) {
    case "mlp": {
      const regularizer = (ind.l1 as number) || (ind.l2 as number) ? { l1: ind.l1 as number, l2: ind.l2 as number } : undefined;
      const layers = (ind.layers as number[]).flatMap((units) => [
        { type: "dense", units, activation: ind.activation, ...(regularizer ? { kernelRegularizer: regularizer } : {}) },
        ...((ind.dropout as number) > 0 ? [{ type: "dropout", rate: ind.dropout }] : []),
      ]);
      return {
        model: { type: "sequential", layers },
        training: { optimizer: { type: ind.optimizer, learningRate: ind.learningRate }, batchSize: ind.batchSize },
      };
    }
    case "elm":
      return { model: { type: "elm", hiddenUnits: ind.hiddenUnits, activation: ind.activation, alpha: ind.alpha }, training: {} };
    case "svm":
      return { model: { type: "svm", C: ind.C, gamma: ind.gamma, kernel: ind.kernel }, training: {} };
    case "spec": {
      const root: Record<string, unknown> = { model: structuredClone(space.model), training: {}, preprocessing: {} };
      for (const [path, value] of Object.entries(ind)) setPath(root, path, value);
      return { model: root.model, training: root.training as Record<string, unknown>, preprocessing: root.preprocessing as Record<string, unknown> };
    }
  }
}

/** Sets `a.b[0].c` in a JSON value, creating objects along the way (not arrays: an index must exist). */
function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.match(/[A-Za-z_]\w*|\[\d+\]/g)!.map((s) => (s.startsWith("[") ? Number(s.slice(1, -1)) : s));
  let at: Record<string | number, unknown> = root;
  steps.slice(0, -1).forEach((step, i) => {
    // Own fields only: never an object's prototype (the schema refuses such paths as well).
    let next = Object.hasOwn(at, step) ? at[step] : undefined;
    if (next === undefined && typeof step === "string" && typeof steps[i + 1] === "string") next = at[step] = {};
    if (next === null || typeof next !== "object") throw new SpacePathError(path);
    at = next as Record<string | number, unknown>;
  });
  at[steps.at(-1)!] = value;
}

/** A 400 at the path: it does not lead to a field of the spec (every point sets the same paths, so the first one finds it). */
export class SpacePathError extends AppError {
  constructor(readonly path: string) {
    const message = `${path} does not lead to a field of the spec (an index past the end of a list, or into a number)`;
    super("validation_failed", `space.params: ${message}`, [{ path: `space.params.${path}`, message }]);
  }
}
