import { z } from "zod";
import { DatasetViewSchema as DatasetSchema } from "../../datasets/dataset-service.js";
import { ColumnProfileSchema } from "../../tables/profile.js";

/** The response schemas are the services' own (one definition each); lists wrap them. */
export { ColumnProfileSchema, DatasetSchema };

export const DatasetListSchema = z.object({ items: z.array(DatasetSchema), nextCursor: z.string().nullable() });
