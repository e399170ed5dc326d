import { z } from "zod";
import type { SvmSpec } from "./spec.js";
import type { FitData, Scores } from "../../train/classic/data.js";

interface LibSvm {
  train(samples: number[][], labels: number[]): void;
  predict(samples: number[][]): number[];
  predictProbability(samples: number[][]): Array<{ estimates: Array<{ label: number; probability: number }> }>;
  getLabels(): number[];
  getSVIndices(): number[];
  serializeModel(): string;
  free(): void;
}
interface LibSvmClass {
  new (options: object): LibSvm;
  load(serialized: string): LibSvm;
  KERNEL_TYPES: Record<"LINEAR" | "POLYNOMIAL" | "RBF" | "SIGMOID", number>;
  SVM_TYPES: Record<"C_SVC" | "EPSILON_SVR", number>;
}

let loading: Promise<LibSvmClass> | undefined;
/**
 * libsvm 3.22 compiled to WebAssembly (libsvm-js); its module resolves to the class. The cast:
 * libsvm-js ships no types, so its module is `any`-shaped to TypeScript and typed here once.
 */
const libsvm = () => (loading ??= import("libsvm-js").then((m) => (m as unknown as { default: Promise<LibSvmClass> }).default));

const KERNELS = { rbf: "RBF", linear: "LINEAR", polynomial: "POLYNOMIAL", sigmoid: "SIGMOID" } as const;

const rowsOf = (x: Float32Array, n: number, d: number) => Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)));

/** The trained SVM: libsvm's own model file (the text `svm-train` writes), and how to read its outputs. */
export const SvmModelSchema = z.object({
  libsvm: z.string(),
  classes: z.number().int().min(0),
  probability: z.boolean(),
  supportVectors: z.number().int().min(0),
});
export type SvmModel = z.infer<typeof SvmModelSchema>;

/** gamma "scale": 1 / (inputs x variance of all input values), scikit-learn's default since 0.22. */
function scaleGamma(data: FitData): number {
  let sum = 0;
  let sq = 0;
  for (const v of data.x) {
    sum += v;
    sq += v * v;
  }
  const count = data.x.length || 1;
  const variance = sq / count - (sum / count) ** 2;
  return variance > 0 ? 1 / (data.d * variance) : 1;
}

/** C-SVC (classification) or epsilon-SVR (regression) with libsvm (Chang & Lin, ACM TIST 2:27, 2011). */
export async function fitSvm(data: FitData, spec: SvmSpec): Promise<SvmModel> {
  const SVM = await libsvm();
  const classify = data.k > 0;
  const svm = new SVM({
    type: classify ? SVM.SVM_TYPES.C_SVC : SVM.SVM_TYPES.EPSILON_SVR,
    kernel: SVM.KERNEL_TYPES[KERNELS[spec.kernel]],
    gamma: spec.gamma === "scale" ? scaleGamma(data) : spec.gamma,
    cost: spec.C,
    degree: spec.degree,
    coef0: spec.coef0,
    epsilon: spec.epsilon,
    probabilityEstimates: classify && spec.probability,
    quiet: true,
  });
  try {
    svm.train(rowsOf(data.x, data.n, data.d), Array.from(data.y));
    return { libsvm: svm.serializeModel(), classes: data.k, probability: classify && spec.probability, supportVectors: svm.getSVIndices().length };
  } finally {
    svm.free();
  }
}

/** Class probabilities (libsvm's estimates, or the decision as one-hot), or the regression values. */
export async function predictSvm(model: SvmModel, x: Float32Array, n: number, d: number): Promise<Scores> {
  const SVM = await libsvm();
  const svm = SVM.load(model.libsvm);
  try {
    const rows = rowsOf(x, n, d);
    if (!model.classes) return { values: Float32Array.from(svm.predict(rows)), width: 1 };
    const k = model.classes;
    const values = new Float32Array(n * k);
    if (model.probability) {
      svm.predictProbability(rows).forEach((p, i) => p.estimates.forEach((e) => (values[i * k + e.label] = e.probability)));
    } else {
      svm.predict(rows).forEach((label, i) => (values[i * k + label] = 1));
    }
    return { values, width: k };
  } finally {
    svm.free();
  }
}
