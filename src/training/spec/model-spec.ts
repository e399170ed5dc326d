import { z } from "zod";
import { SequentialSpecSchema } from "./sequential.js";

/** The `model` field of a job: a discriminated union on `type`, one file per family. */
export const ModelSpecSchema = z.discriminatedUnion("type", [SequentialSpecSchema]);
export type ModelSpec = z.infer<typeof ModelSpecSchema>;
