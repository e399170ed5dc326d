import { classicFamily } from "../../train/classic/family.js";
import { fitBooster } from "./fit.js";
import { configureXgboost, xgboostMissing } from "./library.js";
import { XgbModelSchema } from "./model.js";
import { boosterOnnx } from "./onnx.js";
import { boosterFile, explainBooster, predictBooster } from "./predict.js";
import { xgboostAutoMl } from "./automl.js";
import { xgboostSpace } from "./space.js";
import { XgboostSpecSchema } from "./spec.js";

/**
 * Gradient-boosted trees by XGBoost's own library (Chen and Guestrin 2016): rounds reported as
 * epochs, early stopping on the validation rows, downloads as model.ubj (XGBoost's format), ONNX
 * and baseline.json, and /predict explains rows with TreeSHAP. Unavailable (409) where
 * libxgboost is not installed.
 */
export const xgboost = classicFamily(
  "xgboost",
  XgboostSpecSchema,
  {
    spaces: { xgboost: xgboostSpace },
    automl: xgboostAutoMl,
    resource: "model.nEstimators",
    steps: (spec) => spec.nEstimators,
    unavailable: xgboostMissing,
    configure: configureXgboost,
  },
  {
    className: "XGBoost",
    rawTarget: true,
    fit: (spec, data, _scale, run) => fitBooster(spec, data, run),
    stored: XgbModelSchema,
    predict: predictBooster,
    explain: explainBooster,
    onnx: (g, x, model) => boosterOnnx(g, x, model),
    nativeFile: { format: "xgboost", write: boosterFile },
  },
);
