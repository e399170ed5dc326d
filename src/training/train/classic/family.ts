import type { z } from "zod";
import type { FieldError } from "../../../errors.js";
import { SINGLE_INPUT } from "../../spec/graph.js";
import type { ModelFamily } from "../family.js";
import { classicServing } from "./serving.js";
import { toSummary } from "../../spec/shape-summary.js";
import type { Task } from "../../spec/network-context.js";
import type { ClassicLearner } from "./learner.js";
import type { AutoMlEntry } from "../automl-entry.js";
import type { SearchSpace } from "../search-space.js";

/** A linear baseline's output activation (logistic regression: sigmoid for two classes). */
const linearMode = (task: Task, units: number) => (task === "regression" ? "linear" : units === 1 ? "sigmoid" : "softmax");

export interface ClassicTraits<S = unknown> {
  /** Search spaces it offers experiments (ModelFamily.spaces). */
  spaces?: Record<string, SearchSpace>;
  /** Refused for a numeric target. */
  classifierOnly?: boolean;
  /** Exported as one Dense layer (a TF.js network); else as the classic JSON format. */
  linear?: boolean;
  keepsRows?: boolean;
  /** Steps a job's progress counts (a booster's rounds); 1 by default. */
  steps?(spec: S): number;
  /** ModelFamily.unavailable: the library it needs is missing here. */
  unavailable?(): string | undefined;
  /** ModelFamily.configure: its keys of the process's configuration. */
  configure?(config: Readonly<Record<string, unknown>>): void;
  /** ModelFamily.resource: the field successive halving budgets. */
  resource?: "model.nEstimators";
  /** ModelFamily.automl: its portfolio candidates and search space. */
  automl?: AutoMlEntry;
}

/**
 * A classic model as a family: one input (the encoded features), a single training step
 * (trainer.ts), no epochs. Cross-validation of a classic model is an experiment's (each fold a
 * job), so a job asking for it is sent there. The family's folder gives its schema, traits and
 * learner (its fit, predict and ONNX writer).
 */
export function classicFamily<Schema extends z.ZodType<{ type: string }>, M>(
  type: z.infer<Schema>["type"],
  schema: Schema,
  traits: ClassicTraits<z.infer<Schema>>,
  learner: ClassicLearner<z.infer<Schema>, M>,
): ModelFamily<z.infer<Schema>, Schema> {
  const outputs = (classes: number) => (classes === 2 && traits.linear ? 1 : classes || 1);
  return {
    type,
    schema,
    inputs: () => [{ name: SINGLE_INPUT, encoding: "onehot" }],
    layers: () => [],
    layersPath: "model",
    keepsRows: traits.keepsRows,
    spaces: traits.spaces,
    automl: traits.automl,
    resource: traits.resource,
    countParams: (_spec, groups, ctx, _dims, errors: FieldError[]) => {
      if (traits.classifierOnly && ctx.task === "regression")
        errors.push({
          path: "model.type",
          message: `${type} is a classifier and this target is numeric (regression): use a model that regresses, or set task: "classification"`,
        });
      // Linear models: the kernel and bias. Others are sized by their data (MAX_KERNEL_ROWS, trees' depth).
      return traits.linear ? ((groups[0]?.width ?? 1) + 1) * outputs(ctx.classes) : 0;
    },
    declaredWidths: (_spec, inputWidth, errors) => {
      if (!inputWidth) errors.push({ path: "inputWidth", message: "give datasetId and target, or the input width" });
      return [{ name: SINGLE_INPUT, width: inputWidth ?? 1 }];
    },
    checkRequest: (req) => [
      ...(req.crossValidation
        ? [
            {
              path: "crossValidation",
              message: `a ${type} job trains once: cross-validate it in an experiment (POST /v1/experiments with crossValidation), where each fold is a job`,
            },
          ]
        : []),
      ...(req.training?.loss ? [{ path: "training.loss", message: `a ${type} takes no loss` }] : []),
      // GPU workers (Dockerfile.gpu) run tfjs on CUDA; a classic model has nothing to do there.
      ...(req.training?.device === "gpu" ? [{ path: "training.device", message: `a ${type} trains on CPU workers: use device "cpu"` }] : []),
    ],
    plannedSteps: (spec) => traits.steps?.(spec) ?? 1,
    unavailable: traits.unavailable,
    configure: traits.configure,
    train: async (run) => (await import("./trainer.js")).trainClassic(learner, run),
    describe: (_spec, groups, ctx) => {
      const units = outputs(ctx.classes);
      if (!traits.linear) {
        return {
          summary: { layers: [{ name: type, type, outputShape: [null, units], params: 0 }], totalParams: 0, trainableParams: 0 },
          outputMode: ctx.task === "regression" ? "linear" : "softmax",
          warnings: [],
        };
      }
      // Linear models are one Dense layer, as `build` makes them.
      const rows = [{ name: "output", type: "Dense", outputShape: [null, units], params: ((groups[0]?.width ?? 1) + 1) * units }];
      return { summary: toSummary(rows), outputMode: linearMode(ctx.task, units), warnings: [] };
    },
    serving: classicServing(learner),
    build: async (_spec, groups, ctx) => {
      const { tfl } = await import("../../engine/tf.js");
      const units = outputs(ctx.classes);
      const mode = linearMode(ctx.task, units);
      const model = tfl.sequential({ layers: [tfl.layers.dense({ name: "output", units, activation: mode, inputShape: [groups[0]?.width ?? 1] })] });
      return { model, plan: { mode, units, append: false }, warnings: [] };
    },
  };
}
