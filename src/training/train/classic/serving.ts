import { ExportError } from "../../formats/export-error.js";
import { Graph, onnxFile, writeWithPreprocessing } from "../../formats/onnx.js";
import { networkServing, type Serving } from "../network-serving.js";
import { decodeClassic, isClassicTopology, type ClassicArtifact } from "./artifact.js";
import type { Scores } from "./data.js";
import type { ClassicLearner } from "./learner.js";

/** A stored model's outputs for n encoded rows: probabilities [n, classes], or values [n, 1] in the target's units. */
export async function classicScores<M>(learner: ClassicLearner<unknown, M>, a: ClassicArtifact<M>, x: Float32Array, n: number): Promise<Scores> {
  if (!learner.predict) throw new Error(`${a.family} stores no classic model`);
  const scores = await learner.predict(a.model, x, n, a.inputs);
  if (a.targetScale) for (let i = 0; i < scores.values.length; i++) scores.values[i] = scores.values[i]! * a.targetScale.std + a.targetScale.mean;
  return scores;
}

/**
 * Classic models stored in their own JSON (artifact.ts) download as baseline.json, and as ONNX
 * where the family writes one; linear ones (stored as one Dense layer) serve as any network.
 */
export function classicServing<M>(learner: ClassicLearner<unknown, M>): Serving {
  const network = networkServing();
  const native = learner.nativeFile;
  // The stored model is the family's own, written by its `fit`: its learner's schema reads it back.
  const stored = (bytes: Buffer): ClassicArtifact<M> => {
    const a = decodeClassic(bytes);
    if (!learner.stored) throw new Error(`${a.family} stores no classic model`);
    return { ...a, model: learner.stored.parse(a.model) };
  };
  return {
    explains: learner.explain !== undefined,
    formats: (topology) =>
      isClassicTopology(topology) ? [...(native ? [native.format] : []), "baseline", ...(learner.onnx ? ["onnx" as const] : [])] : network.formats(topology),
    offers: (topology) => (isClassicTopology(topology) ? ["baseline", "onnx", ...(native ? [native.format] : [])] : network.offers(topology)),
    async load(a, prep, backend) {
      if (!isClassicTopology(a.topology)) return network.load(a, prep, backend);
      const artifact = stored(a.weightData);
      const explain = learner.explain;
      return {
        scores: (x, n) => classicScores(learner, artifact, x, n),
        ...(explain ? { explain: (x: Float32Array, n: number) => explain(artifact.model, x, n, artifact.inputs) } : {}),
        dispose: () => undefined,
      };
    },
    async export(format, a, prep, meta) {
      if (!isClassicTopology(a.topology)) return network.export(format, a, prep, meta);
      const artifact = stored(a.weightData);
      if (format === native?.format) {
        const labels = prep.target.task === "classification" ? prep.target.labels : [];
        return native.write(artifact.model, { ...meta, labels: JSON.stringify(labels), preprocessing: JSON.stringify(prep) });
      }
      // Its kind offers only ONNX (`offers`); the family says whether it writes one yet.
      if (format !== "onnx") throw new ExportError(`a ${artifact.family} has no ${format} file`);
      const g = new Graph();
      return onnxFile(g, prep, await this.writeOnnx(g, a, prep), meta);
    },
    async writeOnnx(g, a, prep) {
      if (!isClassicTopology(a.topology)) return network.writeOnnx(g, a, prep);
      const artifact = stored(a.weightData);
      const onnx = learner.onnx;
      if (!onnx) throw new ExportError(`a ${artifact.family} has no ONNX export yet: download baseline.json`);
      return writeWithPreprocessing(g, prep, (g, groups, labels) => {
        const out = onnx(g, groups[0]!, artifact.model, artifact.inputs, labels.length);
        // A regressor learned the standardized target: value = out * std + mean, as classicScores.
        const scale = artifact.targetScale;
        return scale ? g.op("Add", [g.op("Mul", [out, g.constFloat("std", [scale.std], [])]), g.constFloat("mean", [scale.mean], [])]) : out;
      });
    },
  };
}
