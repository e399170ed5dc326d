import type { AdviceService } from "../experiments/advice-service.js";
import type { ExperimentService } from "../experiments/experiment-service.js";
import type { ModelReads } from "../models/model-reads.js";
import type { JobReads } from "../jobs/job-reads.js";
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Config } from "../config.js";
import type { DatasetService } from "../datasets/dataset-service.js";
import type { JobService } from "../jobs/job-service.js";
import type { JobStreams } from "../jobs/job-stream.js";
import type { ModelService } from "../models/model-service.js";
import type { RegistryService } from "../registry/registry-service.js";

/** The services handlers call; the same classes the workers use. */
export interface Services {
  datasets: DatasetService;
  jobs: JobService;
  jobReads: JobReads;
  models: ModelService;
  modelReads: ModelReads;
  streams: JobStreams;
  advice: AdviceService;
  experiments: ExperimentService;
  registry: RegistryService;
}

declare module "fastify" {
  interface FastifyInstance {
    config: Config;
    services: Services;
  }
  interface FastifyRequest {
    /** Tenant the API key belongs to (`default` when the API runs open). */
    tenant: string;
  }
}

/** The app as routes see it: Fastify with zod schemas as the type provider. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
