import type { AutoMlEntry } from "../../train/automl-entry.js";

/** The floor: every other candidate is judged against knowing only the target's distribution. */
export const majorityAutoMl: AutoMlEntry = { portfolio: () => [{ name: "majority (floor)", model: { type: "majority" } }] };
