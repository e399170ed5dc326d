import { svmSpace } from "./space.js";
import { svmAutoMl } from "./automl.js";
import { classicFamily } from "../../train/classic/family.js";
import { svmOnnx } from "./onnx.js";
import { SvmSpecSchema } from "./spec.js";
import { fitSvm, predictSvm, SvmModelSchema } from "./svm.js";

/** Support vector machines on libsvm: kept rows (MAX_KERNEL_ROWS), baseline.json and ONNX. */
export const svm = classicFamily(
  "svm",
  SvmSpecSchema,
  { keepsRows: true, spaces: { svm: svmSpace }, automl: svmAutoMl },
  {
    className: "SVC",
    async fit(spec, data) {
      const model = await fitSvm(data, spec);
      return { kind: "classic", model, facts: { supportVectors: model.supportVectors, params: model.supportVectors * (data.d + 1) } };
    },
    stored: SvmModelSchema,
    predict: predictSvm,
    onnx: (g, x, model, d) => svmOnnx(g, x, model, d),
  },
);
