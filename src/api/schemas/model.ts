import { z } from "zod";

import { PredictionSchema } from "../../models/model-service.js";

export { ModelViewSchema as ModelSchema } from "../../models/model-service.js";

export const PredictRequestSchema = z.strictObject({
  rows: z
    .array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])))
    .min(1)
    .max(1000)
    .describe("Raw column values, as in the CSV; missing columns are imputed"),
  explain: z.boolean().default(false).describe("Also return each row's feature contributions per column (TreeSHAP; xgboost models)"),
});

export { PredictionSchema };

export const PredictResponseSchema = z.object({ predictions: z.array(PredictionSchema) });
