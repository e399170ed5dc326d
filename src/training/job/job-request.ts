import { z } from "zod";
import { ModelSpecSchema, upgradeSpec } from "../families/index.js";
import { RequestBaseSchema } from "../spec/request.js";

/** What a client asks to train. Stored as is (after defaults) on the job. */
export const JobRequestSchema = RequestBaseSchema.extend({ model: ModelSpecSchema });
export type JobRequest = z.infer<typeof JobRequestSchema>;

/** A job request as stored on a job row, its model brought up to date by its own family, then parsed. */
export function readStoredRequest(stored: unknown): JobRequest {
  if (typeof stored !== "object" || stored === null) return JobRequestSchema.parse(stored);
  const value = stored as Record<string, unknown>;
  return JobRequestSchema.parse({ ...value, model: upgradeSpec(value.model) });
}
