import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mulberry32 } from "../training/index.js";
import { nextPopulation } from "./candidates.js";
import { SearchRequestSchema } from "./experiment-request.js";
import { crossover, grid, gridSize, keyOf, mutate, sampleDistinct, SpaceSchema, specOf } from "./space.js";

describe("search spaces", () => {
  const mlp = SpaceSchema.parse({
    type: "mlp",
    hiddenLayers: [1, 2],
    units: [8, 16, 32],
    learningRate: [0.001, 0.01],
    featureSelection: [null, { method: "anova", keep: 3 }],
  });

  it("counts and enumerates the same grid: per depth widths^depth, times every other gene", () => {
    assert.equal(gridSize(mlp), (3 + 9) * 2 * 2);
    const points = grid(mlp);
    assert.equal(points.length, gridSize(mlp));
    assert.equal(new Set(points.map(keyOf)).size, points.length, "no point twice");
    const svm = SpaceSchema.parse({ type: "svm", C: [0.1, 1, 10], gamma: ["scale", 0.1] });
    assert.equal(grid(svm).length, 6);
  });

  it("turns a point into a spec a job takes: layers, dropout, regularizers, optimizer, selection", () => {
    const space = SpaceSchema.parse({
      type: "mlp",
      hiddenLayers: [2],
      units: [16],
      dropout: [0.2],
      l2: [0.01],
      learningRate: [0.01],
      featureSelection: [{ method: "l1", keep: 0.5 }],
    });
    const spec = specOf(space, grid(space)[0]!) as any;
    assert.deepEqual(
      spec.model.layers.map((l: any) => l.type),
      ["dense", "dropout", "dense", "dropout"],
    );
    assert.deepEqual(spec.model.layers[0].kernelRegularizer, { l1: 0, l2: 0.01 });
    assert.deepEqual(spec.training.optimizer, { type: "adam", learningRate: 0.01 });
    assert.deepEqual(spec.preprocessing.featureSelection, { method: "l1", keep: 0.5 });
    const paths = SpaceSchema.parse({
      type: "spec",
      model: { type: "sequential", layers: [{ type: "dense", units: 4 }] },
      params: { "model.layers[0].units": [8], "training.optimizer.learningRate": [0.1] },
    });
    const set = specOf(paths, grid(paths)[0]!) as any;
    assert.equal(set.model.layers[0].units, 8);
    assert.deepEqual(set.training, { optimizer: { learningRate: 0.1 } });
  });

  it("crosses and mutates within the space: allowed depths and widths only", () => {
    const random = mulberry32(4);
    const pop = sampleDistinct(mlp, 6, 9);
    assert.equal(pop.length, 6);
    for (let i = 0; i < 500; i++) {
      const child = mutate(mlp, crossover(mlp, pop[i % 6]!, pop[(i + 1) % 6]!, random), 0.5, random);
      const layers = child.layers as number[];
      assert.ok([1, 2].includes(layers.length), JSON.stringify(child));
      assert.ok(layers.every((u) => [8, 16, 32].includes(u)));
      assert.ok([0.001, 0.01].includes(child.learningRate as number));
    }
  });

  it("breeds the same next generation from the same seed, keeping the elite", () => {
    const req = SearchRequestSchema.parse({
      kind: "search",
      method: "genetic",
      datasetId: "00000000-0000-4000-8000-000000000000",
      target: "y",
      space: mlp,
      seed: 7,
      genetic: { population: 6, elitism: 2 },
    });
    const pop = sampleDistinct(mlp, 6, 1);
    const fitness = (ind: Record<string, unknown>) => (ind.layers as number[]).reduce((a, b) => a + b, 0) / 100;
    const a = nextPopulation(req, pop, fitness, 1);
    assert.deepEqual(nextPopulation(req, pop, fitness, 1), a);
    assert.notDeepEqual(nextPopulation({ ...req, seed: 8 }, pop, fitness, 1), a);
    const best = [...pop]
      .sort((x, y) => fitness(y) - fitness(x))
      .slice(0, 2)
      .map(keyOf);
    assert.deepEqual(a.slice(0, 2).map(keyOf), best, "the two fittest carried over first");
    assert.equal(a.length, 6);
  });
});
