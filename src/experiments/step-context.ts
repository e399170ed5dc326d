import type { FlowProducer } from "bullmq";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import type { ExplainInput, Explanation } from "../ensemble-file.js";
export type { ExplainInput, Explanation };

/** What an experiment's step runs with (experiment-worker.ts builds it). */
export interface StepContext {
  db: Db;
  config: Config;
  flows: FlowProducer;
  log: (msg: string, extra?: object) => void;
  /** Told when an experiment has ended (its webhook). */
  ended?: (experimentId: string) => Promise<void>;
  /** Explains an AutoML winner on its held-out rows (models/explain-winner.ts, given by the worker: experiments do not load models). */
  explain?: (input: ExplainInput) => Promise<Explanation | undefined>;
}
