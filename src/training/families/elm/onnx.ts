import type { LayerWriter } from "../../formats/onnx.js";

/** The ELM's own layer classes (layers.ts) as ONNX ops. */
export const ELM_ONNX_LAYERS: Record<string, LayerWriter> = {
  ElmSine: (g, x) => g.op("Sin", [x]),
  ElmRbf: (g, x, weight) => {
    // exp(-gamma ||x - c||^2), with ||x - c||^2 = |x|^2 - 2 x c + |c|^2 (clipped at 0), as the layer computes it.
    const centers = weight("centers");
    const gamma = weight("gamma");
    const c2 = new Float32Array(centers.shape[1]!);
    for (let i = 0; i < centers.shape[0]!; i++) for (let j = 0; j < c2.length; j++) c2[j]! += centers.values[i * c2.length + j]! ** 2;
    const x2 = g.op("ReduceSum", [g.op("Mul", [x, x]), g.constInt("axes", [-1])], { keepdims: 1 });
    const cross = g.op("Mul", [g.op("MatMul", [x, g.constFloat("centers", centers.values, centers.shape)]), g.constFloat("minus2", [-2], [])]);
    const d2 = g.op("Relu", [g.op("Add", [g.op("Add", [x2, cross]), g.constFloat("c2", c2, [c2.length])])]);
    return g.op("Exp", [g.op("Neg", [g.op("Mul", [d2, g.constFloat("gamma", gamma.values, gamma.shape)])])]);
  },
};
