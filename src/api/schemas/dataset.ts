import { z } from "zod";

export const ColumnProfileSchema = z.object({
  name: z.string(),
  type: z.enum(["numeric", "categorical", "boolean", "text"]),
  missing: z.number().int(),
  distinct: z.number().int(),
  distinctCapped: z.boolean().optional(),
  identifier: z.boolean().optional().describe("Every value distinct: an id or a name, not a feature"),
  min: z.number().optional(),
  max: z.number().optional(),
  mean: z.number().optional(),
  std: z.number().optional(),
  top: z.array(z.object({ value: z.string(), count: z.number().int() })).optional(),
});

export const DatasetSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  format: z.enum(["csv", "jsonl"]),
  delimiter: z.string().nullable(),
  rows: z.number().int(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  columns: z.array(ColumnProfileSchema),
  createdAt: z.string(),
});

export const DatasetListSchema = z.object({ items: z.array(DatasetSchema), nextCursor: z.string().nullable() });
