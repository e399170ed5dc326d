import { z } from "zod";
import { FunctionalSpecSchema } from "./functional.js";
import { KerasSpecSchema } from "./keras.js";
import { ElmSpecSchema } from "./elm.js";
import { SequentialSpecSchema } from "./sequential.js";

/** The `model` field of a job: a discriminated union on `type`, one file per family. */
export const ModelSpecSchema = z.discriminatedUnion("type", [SequentialSpecSchema, FunctionalSpecSchema, KerasSpecSchema, ElmSpecSchema]);
export type ModelSpec = z.infer<typeof ModelSpecSchema>;
