/**
 * A stored booster serving rows: probabilities (a binary booster's one output as [1 - p, p]),
 * values, and TreeSHAP contributions; and XGBoost's own model file for download.
 */
import type { Contributions } from "../../evaluate/contributions.js";
import type { Scores } from "../../train/classic/data.js";
import { xgb, xgboostThreads, type Handle } from "./library.js";
import type { XgbModel } from "./model.js";

/** Boosters read back from stored models, by model: a loaded model keeps its booster. */
const boosters = new WeakMap<XgbModel, Handle>();

function boosterOf(model: XgbModel): Handle {
  let b = boosters.get(model);
  if (!b) {
    b = xgb().load(new Uint8Array(Buffer.from(model.booster, "utf8")), [["nthread", String(xgboostThreads())]]);
    boosters.set(model, b);
  }
  return b;
}

/** Predictions of type 0 (values) or 2 (contributions) on n rows of d encoded inputs. */
function run(model: XgbModel, x: Float32Array, n: number, d: number, type: 0 | 2): { values: Float32Array; shape: number[] } {
  const lib = xgb();
  const m = lib.dmatrix(x, n, d, null, null, xgboostThreads());
  try {
    return lib.predict(boosterOf(model), m, type, 0);
  } finally {
    lib.free(m);
  }
}

export function predictBooster(model: XgbModel, x: Float32Array, n: number, d: number): Scores {
  const { values } = run(model, x, n, d, 0);
  if (model.objective !== "binary:logistic") return { values, width: model.classes || 1 };
  const two = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    two[i * 2] = 1 - values[i]!;
    two[i * 2 + 1] = values[i]!;
  }
  return { values: two, width: 2 };
}

/** pred_contribs with strict_shape: [n, groups, d + 1], the bias last. */
export function explainBooster(model: XgbModel, x: Float32Array, n: number, d: number): Contributions {
  const { values, shape } = run(model, x, n, d, 2);
  return { values, n, groups: shape[1]!, width: shape[2]! };
}

/** model.ubj: the booster with our preprocessing, labels and ids as its attributes (Booster.attr(...)). */
export function boosterFile(model: XgbModel, meta: Record<string, string>): Uint8Array {
  const lib = xgb();
  const b = lib.load(new Uint8Array(Buffer.from(model.booster, "utf8")), []);
  try {
    for (const [key, value] of Object.entries(meta)) lib.setAttr(b, key, value);
    return lib.save(b, "ubj");
  } finally {
    lib.free(b);
  }
}
