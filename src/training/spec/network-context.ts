import type { LossName } from "./training-options.js";

/** What a model learns: a class of each row, or a number. */
export type Task = "classification" | "regression";

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

/** One model input over the encoded features: its columns and where they sit in a row. */
export interface InputGroup {
  name: string;
  columns: string[];
  encoding: "onehot" | "index";
  start: number;
  width: number;
  /** index groups: categories + 1 (the last number is "unknown"). */
  vocabulary?: number;
}

/** A model input as the family declares it (before any column is mapped to it). */
export interface DeclaredInput {
  name: string;
  encoding: "onehot" | "index";
}
