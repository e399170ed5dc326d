import { ExportError } from "../../formats/export-error.js";
import { networkServing, type Serving } from "../../train/network-serving.js";
import { BASELINE_FORMAT, decodeBaseline, predictBaseline } from "./artifact.js";
import { onnxBaseline } from "./onnx.js";

const isClassic = (topology: object) => (topology as { format?: unknown }).format === BASELINE_FORMAT;

/**
 * Classic models stored in their own JSON (artifact.ts) download as baseline.json, and as ONNX
 * where onnx.ts writes them; the linear ones (logistic regression, majority) are stored as one
 * Dense layer and serve as any network.
 */
export function classicServing(onnx: boolean): Serving {
  const network = networkServing();
  return {
    formats: (topology) => (isClassic(topology) ? ["baseline", ...(onnx ? ["onnx" as const] : [])] : network.formats(topology)),
    async load(a, prep, backend) {
      if (!isClassic(a.topology)) return network.load(a, prep, backend);
      const artifact = decodeBaseline(a.weightData);
      return { scores: async (x, n) => predictBaseline(artifact, x, n), dispose: () => undefined };
    },
    async export(format, a, prep, meta) {
      if (!isClassic(a.topology)) return network.export(format, a, prep, meta);
      // onnx.ts says which classic models it cannot write (a kNN).
      if (format !== "onnx") throw new ExportError(`a classic model has no ${format} export: download baseline.json`);
      return onnxBaseline(decodeBaseline(a.weightData), prep, meta);
    },
  };
}
