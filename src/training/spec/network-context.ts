import type { Task } from "../data/columns.js";
import type { LossName } from "./training-options.js";

/** What a network is built for: the target's task and classes, and its seed. */
export interface NetworkContext {
  task: Task;
  /** Number of classes (0 for regression). */
  classes: number;
  loss?: LossName;
  seed: number;
  /** Describe the output as written, appending nothing (a dry run without a target). */
  keepOutput?: boolean;
}
