import { z } from "zod";

/** scikit-learn's DummyClassifier (prior) / DummyRegressor (mean). */
/** Spec format version; saved jobs keep theirs (families/index.ts upgrades older ones). */
const version = { specVersion: z.literal(1).default(1) };

export const MajoritySpecSchema = z
  .strictObject({ type: z.literal("majority"), ...version })
  .describe("The floor: the training rows' class frequencies (or mean) for every row");
export type MajoritySpec = z.infer<typeof MajoritySpecSchema>;
