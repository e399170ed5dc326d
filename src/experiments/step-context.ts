import type { FlowProducer } from "bullmq";
import type { Config } from "../config.js";
import type { Db } from "../db.js";

/** What an experiment's step runs with (experiment-worker.ts builds it). */
export interface StepContext {
  db: Db;
  config: Config;
  flows: FlowProducer;
  log: (msg: string, extra?: object) => void;
  /** Told when an experiment has ended (its webhook). */
  ended?: (experimentId: string) => Promise<void>;
}
