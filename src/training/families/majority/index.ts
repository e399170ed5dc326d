import { classPriors } from "../../train/classic/data.js";
import { classicFamily } from "../../train/classic/family.js";
import { majorityAutoMl } from "./automl.js";
import { MajoritySpecSchema } from "./spec.js";

const mean = (y: Float64Array) => y.reduce((a, b) => a + b, 0) / (y.length || 1);

/** The floor every model must beat: the class frequencies (or the mean) for every row, as one Dense layer. */
export const majority = classicFamily(
  "majority",
  MajoritySpecSchema,
  { linear: true, automl: majorityAutoMl },
  {
    className: "Dummy",
    fit: (_spec, data, targetScale) => {
      const { d, k } = data;
      if (k === 0)
        return { kind: "dense", units: 1, mode: "linear", kernel: new Float64Array(d), bias: Float64Array.of(targetScale?.mean ?? mean(data.y)), facts: {} };
      const p = classPriors(data.y, k, data.weight).map((v) => Math.max(v, 1e-7));
      // The class frequencies as the output's bias over a zero kernel: softmax(log p) = p.
      return k === 2
        ? { kind: "dense", units: 1, mode: "sigmoid", kernel: new Float64Array(d), bias: Float64Array.of(Math.log(p[1]! / p[0]!)), facts: {} }
        : { kind: "dense", units: k, mode: "softmax", kernel: new Float64Array(d * k), bias: p.map(Math.log), facts: {} };
    },
  },
);
