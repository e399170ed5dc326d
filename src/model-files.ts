import { ENSEMBLE_TYPE } from "./ensemble-file.js";
import { formatsOf, type FormatName } from "./training/index.js";

/** The file each format downloads as, under a model's base URL (the routes in api/routes/models and api/routes/registry). */
export const FILES: Record<FormatName, string> = {
  tfjs: "model.json",
  keras: "model.keras",
  onnx: "model.onnx",
  baseline: "baseline.json",
  xgboost: "model.ubj",
};

export type Download = { format: FormatName | "ensemble"; file: string };

/** The files a model downloads as (MLflow's flavors): its family's formats, or an AutoML ensemble's. */
export function downloadsOf(type: string, topology: object): Download[] {
  if (type === ENSEMBLE_TYPE)
    return [
      { format: "ensemble", file: "ensemble.json" },
      { format: "onnx", file: "model.onnx" },
    ];
  return formatsOf(type, topology).map((format) => ({ format, file: FILES[format] }));
}
