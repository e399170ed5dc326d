/**
 * The baseline families against scikit-learn in the same run, on the same encoded matrix and the
 * same 80/20 split: fit and predict seconds and test accuracy of a random forest (100 trees), an
 * RBF SVM with probabilities, L2 logistic regression, 5-NN and Gaussian naive Bayes. Datasets:
 * digits (1,797 x 64, 10 classes) and, when ../shared/datasets has it, the Spotify sample (6,000
 * rows, 21 encoded inputs, binary). Run alone: `node --import tsx bench/baselines.ts`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { argmax } from "../src/training/evaluate/argmax.js";
import type { FitData } from "../src/training/train/classic/data.js";
import { fitForest, predictForest } from "../src/training/families/trees/forest.js";
import { fitLogistic } from "../src/training/families/logistic-regression/logistic.js";
import { fitNaiveBayes, predictNaiveBayes } from "../src/training/families/naive-bayes/naive-bayes.js";
import { fitNeighbours, predictNeighbours } from "../src/training/families/knn/neighbours.js";
import { fitSvm, predictSvm } from "../src/training/families/svm/svm.js";
import { mulberry32, shuffleInPlace } from "../src/training/engine/rng.js";
import { SvmSpecSchema } from "../src/training/families/svm/spec.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PYTHON = "/usr/bin/python3";

const SKLEARN = `
import json, sys, time, numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.svm import SVC
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.naive_bayes import GaussianNB
d = np.load(sys.argv[1])
X, y, train, test = d["x"], d["y"], d["train"], d["test"]
models = {"randomForest": RandomForestClassifier(100, random_state=0, n_jobs=1), "svm": SVC(probability=True, random_state=0),
          "logisticRegression": LogisticRegression(max_iter=1000), "knn": KNeighborsClassifier(5), "naiveBayes": GaussianNB()}
out = {}
for name, m in models.items():
    t0 = time.perf_counter(); m.fit(X[train], y[train]); t1 = time.perf_counter()
    p = m.predict_proba(X[test]); t2 = time.perf_counter()
    out[name] = {"fitSeconds": t1 - t0, "predictSeconds": t2 - t1, "accuracy": float((p.argmax(1) == y[test]).mean())}
print(json.dumps(out))
`;

/** Numeric columns standardized (train rows' mean and std), the others one-hot. */
function encode(file: string, target: string, drop: string[]) {
  const rows = parse(readFileSync(file), { columns: true }) as Array<Record<string, string>>;
  const names = Object.keys(rows[0]!).filter((c) => c !== target && !drop.includes(c));
  const labels = [...new Set(rows.map((r) => r[target]!))].sort();
  const y = Float64Array.from(rows, (r) => labels.indexOf(r[target]!));
  const order = shuffleInPlace(
    rows.map((_, i) => i),
    mulberry32(42),
  );
  const cut = Math.round(rows.length * 0.8);
  const [train, test] = [order.slice(0, cut), order.slice(cut)];
  const columns: Array<(r: Record<string, string>) => number[]> = names.map((c) => {
    const numeric = rows.every((r) => r[c] !== "" && Number.isFinite(Number(r[c])));
    if (!numeric) {
      const cats = [...new Set(train.map((i) => rows[i]![c]!))].sort();
      return (r) => cats.map((v) => (r[c] === v ? 1 : 0));
    }
    const v = train.map((i) => Number(rows[i]![c]));
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) || 1;
    return (r) => [(Number(r[c]) - mean) / std];
  });
  const matrix = rows.map((r) => columns.flatMap((f) => f(r)));
  const d = matrix[0]!.length;
  return { x: Float32Array.from(matrix.flat()), y, d, k: labels.length, train, test };
}

const pick = (x: Float32Array, d: number, idx: number[]) => {
  const out = new Float32Array(idx.length * d);
  idx.forEach((i, r) => out.set(x.subarray(i * d, (i + 1) * d), r * d));
  return out;
};

async function ours(data: ReturnType<typeof encode>) {
  const { d, k } = data;
  const fit: FitData = { n: data.train.length, d, k, x: pick(data.x, d, data.train), y: Float64Array.from(data.train, (i) => data.y[i]!) };
  const xt = pick(data.x, d, data.test);
  const n = data.test.length;
  const accuracy = (p: { values: Float32Array; width: number }) =>
    data.test.reduce((s, i, r) => s + (argmax(p.values, r * p.width, p.width) === data.y[i] ? 1 : 0), 0) / n;
  const softmax = (kernel: Float64Array, bias: Float64Array, m: number) => {
    const values = new Float32Array(n * k);
    for (let r = 0; r < n; r++) {
      const z = Array.from(
        { length: m },
        (_, c) => bias[c]! + Array.from({ length: d }, (_, j) => xt[r * d + j]! * kernel[j * m + c]!).reduce((a, b) => a + b, 0),
      );
      if (m === 1) [values[r * 2], values[r * 2 + 1]] = [1 / (1 + Math.exp(z[0]!)), 1 / (1 + Math.exp(-z[0]!))];
      else z.forEach((v, c) => (values[r * k + c] = v)); // argmax of the logits is the softmax's
    }
    return { values, width: k };
  };
  const models: Record<
    string,
    { fit: () => Promise<unknown> | unknown; predict: (m: any) => Promise<{ values: Float32Array; width: number }> | { values: Float32Array; width: number } }
  > = {
    randomForest: {
      fit: () => fitForest(fit, { trees: 100, minSamplesLeaf: 1, maxBins: 64, maxFeatures: Math.round(Math.sqrt(d)), bootstrap: true, seed: 0 }),
      predict: (m) => predictForest(m, xt, n, d),
    },
    svm: { fit: () => fitSvm(fit, SvmSpecSchema.parse({ type: "svm" })), predict: (m) => predictSvm(m, xt, n, d) },
    logisticRegression: { fit: () => fitLogistic(fit, { penalty: "l2", C: 1, maxIter: 1000, tol: 1e-6 }), predict: (m) => softmax(m.kernel, m.bias, m.m) },
    knn: { fit: () => fitNeighbours(fit, 5, "uniform"), predict: (m) => predictNeighbours(m, xt, n) },
    naiveBayes: { fit: () => fitNaiveBayes(fit, 1e-9), predict: (m) => predictNaiveBayes(m, xt, n) },
  };
  const out: Record<string, { fitSeconds: number; predictSeconds: number; accuracy: number }> = {};
  for (const [name, m] of Object.entries(models)) {
    const t0 = performance.now();
    const model = await m.fit();
    const t1 = performance.now();
    const p = await m.predict(model);
    const t2 = performance.now();
    out[name] = { fitSeconds: (t1 - t0) / 1000, predictSeconds: (t2 - t1) / 1000, accuracy: accuracy(p) };
  }
  return out;
}

function sklearn(data: ReturnType<typeof encode>): Record<string, { fitSeconds: number; predictSeconds: number; accuracy: number }> | string {
  if (!existsSync(PYTHON)) return "skipped: no /usr/bin/python3";
  const dir = mkdtempSync(`${tmpdir()}/treino-bench-`);
  const script = `${dir}/write.py`;
  writeFileSync(`${dir}/x.f32`, Buffer.from(data.x.buffer));
  writeFileSync(`${dir}/meta.json`, JSON.stringify({ d: data.d, y: Array.from(data.y), train: data.train, test: data.test }));
  writeFileSync(
    script,
    `import json, numpy as np\nm = json.load(open("${dir}/meta.json"))\nx = np.fromfile("${dir}/x.f32", dtype=np.float32).reshape(-1, m["d"])\nnp.savez("${dir}/data.npz", x=x, y=np.array(m["y"], dtype=np.int64), train=np.array(m["train"]), test=np.array(m["test"]))\n`,
  );
  try {
    execFileSync(PYTHON, [script]);
    return JSON.parse(
      execFileSync(PYTHON, ["-c", SKLEARN, `${dir}/data.npz`], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" } }),
    );
  } catch (err) {
    return `skipped: scikit-learn did not run (apt-get install python3-sklearn): ${(err as Error).message.split("\n")[0]}`;
  }
}

export async function benchBaselines() {
  const sets: Array<[string, string, string, string[]]> = [["digits", `${ROOT}test/fixtures/digits.csv`, "target", []]];
  const spotify = `${ROOT}../shared/datasets/spotify.csv`;
  if (existsSync(spotify)) sets.push(["spotify", spotify, "popular_or_not", ["popularity", "track_id", "artists", "album_name", "track_name"]]);
  const out: Record<string, unknown> = {};
  for (const [name, file, target, drop] of sets) {
    const data = encode(file, target, drop);
    const mine = await ours(data);
    const peer = sklearn(data);
    out[name] = {
      rows: data.y.length,
      inputs: data.d,
      classes: data.k,
      ours: mine,
      sklearn: peer,
      fitRatio:
        typeof peer === "string" ? null : Object.fromEntries(Object.keys(mine).map((m) => [m, +(mine[m]!.fitSeconds / peer[m]!.fitSeconds).toFixed(2)])),
    };
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await benchBaselines(), null, 2));
