import { AppError } from "../errors.js";
import { z } from "zod";
import { choices, FeatureSelectionSchema, ModelSpecSchema, mulberry32, SEARCH_SPACES, type Point, type SearchSpace } from "../training/index.js";

/** Feature selection as a dimension of any space: each choice a preprocessing.featureSelection, or null for all columns. */
const selection = {
  featureSelection: choices(FeatureSelectionSchema.nullable())
    .optional()
    .describe('e.g. [null, {"method": "anova", "keep": 5}, {"method": "l1", "keep": 0.5}]'),
};

/** Any spec with paths into it: the one space no family owns. */
const SpecSpaceSchema = z.strictObject({
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
      choices(z.unknown()),
    )
    .refine((p) => Object.keys(p).length >= 1 && Object.keys(p).length <= 20, "1 to 20 paths")
    .describe('Any spec field: {"model.layers[0].units": [16, 64], "training.optimizer.learningRate": [0.001, 0.01]}'),
});
type SpecSpace = z.infer<typeof SpecSpaceSchema>;

const familySpaceSchema = (type: string, space: SearchSpace) => z.strictObject({ type: z.literal(type), ...space.fields, ...selection });
type FamilySpaceSchema = ReturnType<typeof familySpaceSchema>;

/** Search spaces: each field a list of choices; one kind per space the families offer (SEARCH_SPACES), and `spec`. */
const spaceSchemas: Array<FamilySpaceSchema | typeof SpecSpaceSchema> = [
  ...Object.entries(SEARCH_SPACES).map(([type, space]) => familySpaceSchema(type, space)),
  SpecSpaceSchema,
];
export const SpaceSchema = z.discriminatedUnion("type", spaceSchemas as [(typeof spaceSchemas)[number], ...typeof spaceSchemas]);
export type Space = z.infer<typeof SpaceSchema>;

/** One point of a space: gene name -> value (a list gene's value is its list, e.g. an mlp's `layers`). */
export type Individual = Point;

/** A family space's fields, which its schema checked: lists of choices by name. */
const fieldsOf = (space: Space): Record<string, unknown> => space;
const isSpec = (space: Space): space is SpecSpace => space.type === "spec";
const familySpace = (space: Space): SearchSpace | undefined => (isSpec(space) ? undefined : SEARCH_SPACES[space.type]);

/** The space's list gene (an mlp's layers), with its allowed lengths and items. */
function listGene(space: Space): { name: string; depths: number[]; values: number[] } | undefined {
  const list = familySpace(space)?.list;
  return list && { name: list.name, ...list.of(fieldsOf(space)) };
}

/** The genes of a space with their choices; the fields of a list gene make one gene of their own. */
function genes(space: Space): Array<[string, unknown[]]> {
  if (isSpec(space)) return Object.entries(space.params);
  const skip = new Set(["type", ...(familySpace(space)?.list?.fields ?? [])]);
  return Object.entries(fieldsOf(space)).filter((e): e is [string, unknown[]] => !skip.has(e[0]) && Array.isArray(e[1]));
}

/** The dimensions a space's points vary along: its genes, a list gene (an mlp's layers) as one. */
export function dimensionsOf(space: Space): string[] {
  const list = listGene(space)?.name;
  return [...(list ? [list] : []), ...genes(space).map(([g]) => g)];
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
    .filter(([k]) => !space || k === listGene(space)?.name || (genes(space).find(([g]) => g === k)?.[1].length ?? 2) > 1)
    .map(([k, v]) => `${k.replace(/^(model|training|preprocessing)\./, "")}=${show(v)}`)
    .join(" ");

function show(v: unknown): string {
  if (Array.isArray(v)) return v.join("-") || "none";
  if (v && typeof v === "object" && "method" in v && "keep" in v) return `${(v as { method: string }).method}:${(v as { keep: number }).keep}`;
  return v && typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** Points in a full grid: the product of each gene's choices (a list gene's lists counted per depth). */
export function gridSize(space: Space): number {
  let size = genes(space).reduce((n, [, v]) => n * v.length, 1);
  const list = listGene(space);
  if (list) size *= [...new Set(list.depths)].reduce((s, depth) => s + list.values.length ** depth, 0);
  return size;
}

/** Every point of the grid, in a fixed order (call gridSize first: this allocates them all). */
export function grid(space: Space): Individual[] {
  let points: Individual[] = [{}];
  const list = listGene(space);
  if (list) {
    let lists: number[][] = [];
    for (const depth of [...new Set(list.depths)].sort((a, b) => a - b)) {
      let at: number[][] = [[]];
      for (let l = 0; l < depth; l++) at = at.flatMap((p) => list.values.map((u) => [...p, u]));
      lists = lists.concat(at);
    }
    points = lists.map((items) => ({ [list.name]: items }));
  }
  for (const [name, values] of genes(space)) points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  return points;
}

const pick = <T>(values: readonly T[], random: () => number): T => values[Math.floor(random() * values.length)]!;

/** One point drawn uniformly gene by gene (a list gene's length first, then each item). */
export function sample(space: Space, random: () => number): Individual {
  const ind: Individual = {};
  const list = listGene(space);
  if (list) {
    const depth = pick(list.depths, random);
    ind[list.name] = Array.from({ length: depth }, () => pick(list.values, random));
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
  const list = listGene(space);
  if (list) {
    const la = items(a[list.name]);
    const lb = items(b[list.name]);
    const cutA = Math.floor(random() * (la.length + 1));
    const cutB = Math.floor(random() * (lb.length + 1));
    let layers = [...la.slice(0, cutA), ...lb.slice(cutB)];
    if (!list.depths.includes(layers.length)) layers = [...(random() < 0.5 ? la : lb)];
    child[list.name] = layers;
  }
  for (const [name] of genes(space)) child[name] = random() < 0.5 ? a[name] : b[name];
  return child;
}

export function mutate(space: Space, ind: Individual, rate: number, random: () => number): Individual {
  const out: Individual = { ...ind };
  const list = listGene(space);
  if (list && random() < rate) {
    const layers = [...items(ind[list.name])];
    const move = random();
    const deeper = list.depths.includes(layers.length + 1);
    const shallower = list.depths.includes(layers.length - 1);
    if (move < 0.5 && layers.length) layers[Math.floor(random() * layers.length)] = pick(list.values, random);
    else if (move < 0.75 && deeper) layers.splice(Math.floor(random() * (layers.length + 1)), 0, pick(list.values, random));
    else if (shallower) layers.splice(Math.floor(random() * layers.length), 1);
    else if (layers.length) layers[Math.floor(random() * layers.length)] = pick(list.values, random);
    out[list.name] = layers;
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
  if (isSpec(space)) {
    const root: Record<string, unknown> = { model: structuredClone(space.model), training: {}, preprocessing: {} };
    for (const [path, value] of Object.entries(ind)) setPath(root, path, value);
    return { model: root.model, training: root.training as Record<string, unknown>, preprocessing: root.preprocessing as Record<string, unknown> };
  }
  return SEARCH_SPACES[space.type]!.specOf(ind);
}

const items = (value: unknown): number[] => (Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : []);

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
