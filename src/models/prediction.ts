import { z } from "zod";

/** A row's prediction taken apart (explain: true): each column's contribution, summed with the bias, gives the output. */
const ExplanationSchema = z
  .object({
    of: z
      .string()
      .optional()
      .describe("The class whose log-odds are explained (binary: the second label; multiclass: the predicted one); absent for a regression"),
    units: z.enum(["log-odds", "margin", "value"]).describe("log-odds (binary), the class's softmax input (multiclass), or the target's units"),
    bias: z.number().describe("The output with no column known (the expected value over the training rows)"),
    contributions: z.record(z.string(), z.number()).describe("Per original column (one-hot inputs summed back): TreeSHAP values"),
  })
  .describe("Feature contributions (XGBoost's TreeSHAP, pred_contribs): bias + the contributions = the output in `units`");
const explanation = { explanation: ExplanationSchema.optional() };

/** One prediction: a label with its class probabilities, or a regression value. */
export const PredictionSchema = z.union([
  z.object({ label: z.string(), probabilities: z.record(z.string(), z.number()), ...explanation }),
  z.object({ value: z.number(), ...explanation }),
]);
export type Prediction = z.infer<typeof PredictionSchema>;
