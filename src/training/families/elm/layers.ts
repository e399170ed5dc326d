import { tf, tfl } from "../../engine/tf.js";

/**
 * Node functions of an ELM that tfjs has no activation for, as small custom layers. They are
 * registered with tfjs's serialization, so models using them save and load in this service; a
 * TF.js app must define the same two classes (README) before tf.loadLayersModel.
 */

/** sin(z), elementwise. */
export class ElmSine extends tfl.layers.Layer {
  static className = "ElmSine";
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.sin(Array.isArray(inputs) ? inputs[0]! : inputs);
  }
}

/** Gaussian RBF nodes: exp(-gamma_j * ||x - c_j||^2), centers c_j as the columns of a [d, units] matrix. */
export class ElmRbf extends tfl.layers.Layer {
  static className = "ElmRbf";
  readonly units: number;
  private centers!: tfl.LayerVariable;
  private gamma!: tfl.LayerVariable;

  constructor(args: { units: number; name?: string; inputShape?: number[] }) {
    super(args);
    this.units = args.units;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const d = shape[shape.length - 1]!;
    this.centers = this.addWeight("centers", [d, this.units], "float32", tfl.initializers.zeros(), undefined, false);
    this.gamma = this.addWeight("gamma", [this.units], "float32", tfl.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor2D;
      const c = this.centers.read() as tf.Tensor2D;
      // ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2, clipped at 0 against rounding.
      const d2 = tf.relu(tf.add(tf.sub(tf.sum(tf.square(x), -1, true), tf.mul(2, tf.matMul(x, c))), tf.sum(tf.square(c), 0)));
      return tf.exp(tf.neg(tf.mul(d2, this.gamma.read())));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

tf.serialization.registerClass(ElmSine);
tf.serialization.registerClass(ElmRbf);
