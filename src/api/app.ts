/**
 * Builds the Fastify app and never listens (tests inject into it; server.ts listens).
 * Plugin order: external (helmet, zod compilers, OpenAPI, multipart, rate limit) → app (errors,
 * auth, tenant rate limit) → routes.
 */
import Fastify, { type FastifyInstance } from "fastify";
import helmet from "@fastify/helmet";
import multipart from "@fastify/multipart";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Config } from "../config.js";
import { createDb, type Db } from "../db.js";
import { closeClusters, createFlowProducer, TrainQueues } from "../queue.js";
import { DatasetService } from "../datasets/dataset-service.js";
import { JobService } from "../jobs/job-service.js";
import { JobListener } from "../job-listener.js";
import { JobReads } from "../jobs/job-reads.js";
import { ReadCache } from "../read-cache.js";
import { ModelReads } from "../models/model-reads.js";
import { AdviceService } from "../experiments/advice-service.js";
import hiddenUnitsAdvice from "./routes/advice/hidden-units.js";
import { ExperimentService } from "../experiments/experiment-service.js";
import { Webhooks } from "../webhooks/webhooks.js";
import webhookSecret from "./routes/webhook-secret.js";
import dashboard from "./routes/dashboard.js";
import { DASHBOARD_CSP, DASHBOARD_ROUTES } from "../dashboard/serve.js";
import createExperiment from "./routes/experiments/create-experiment.js";
import getExperiment from "./routes/experiments/get-experiment.js";
import cancelExperiment from "./routes/experiments/cancel-experiment.js";
import experimentPlot from "./routes/experiments/experiment-plot.js";
import { JobStreams } from "../jobs/job-stream.js";
import { ModelService } from "../models/model-service.js";
import type { App } from "./context.js";
import { registerAuth } from "./plugins/auth.js";
import { registerRateLimit, registerTenantRateLimit } from "./plugins/rate-limit.js";
import { registerErrorHandler } from "./plugins/error-handler.js";
import health from "./routes/health.js";
import metrics from "./routes/metrics.js";
import createDataset from "./routes/datasets/create-dataset.js";
import listDatasets from "./routes/datasets/list-datasets.js";
import getDataset from "./routes/datasets/get-dataset.js";
import downloadDataset from "./routes/datasets/download-dataset.js";
import deleteDataset from "./routes/datasets/delete-dataset.js";
import createJob from "./routes/jobs/create-job.js";
import listJobs from "./routes/jobs/list-jobs.js";
import getJob from "./routes/jobs/get-job.js";
import cancelJob from "./routes/jobs/cancel-job.js";
import jobEvents from "./routes/jobs/job-events.js";
import jobPlot from "./routes/jobs/job-plot.js";
import getModel from "./routes/models/get-model.js";
import modelFiles from "./routes/models/model-files.js";
import predict from "./routes/models/predict.js";
import listDeleteModels from "./routes/models/list-delete-models.js";
import deleteJob from "./routes/jobs/delete-job.js";
import validateModel from "./routes/models/validate-model.js";
import registeredModels from "./routes/registry/registered-models.js";
import registryVersions from "./routes/registry/versions.js";
import registryAliases from "./routes/registry/aliases.js";
import registryFiles from "./routes/registry/registry-files.js";
import { RegistryService } from "../registry/registry-service.js";
import { configureFamilies } from "../training/index.js";

export interface BuildOptions {
  config: Config;
  /** Pino options, or false for silence (tests). */
  logger?: boolean | object;
}

export async function buildApp({ config, logger }: BuildOptions): Promise<FastifyInstance> {
  configureFamilies(config); // job creation asks families whether their library is here; /predict runs them
  const base = Fastify({
    logger: logger ?? { level: config.LOG_LEVEL },
    genReqId: () => crypto.randomUUID(),
    bodyLimit: config.MAX_BODY_BYTES, // JSON bodies; CSV uploads stream and have MAX_UPLOAD_BYTES
    // {"__proto__": ...} or {"constructor": {"prototype": ...}} in a body is a 400, not a polluted object.
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
  });
  // The cast: withTypeProvider returns Fastify's instance with the provider's generics, which TypeScript
  // cannot relate to App (the same instance with the decorations declared in types/fastify.d.ts).
  const app = base.withTypeProvider<ZodTypeProvider>() as unknown as App;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Security headers on every response, 4xx included (helmet sets them at onRequest). The API
  // serves JSON and images, so its CSP allows nothing; Swagger UI under /docs needs its scripts.
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith("/docs")) (route as { helmet?: object }).helmet = { contentSecurityPolicy: false };
    if ((DASHBOARD_ROUTES as readonly string[]).includes(route.url)) (route as { helmet?: object }).helmet = { contentSecurityPolicy: DASHBOARD_CSP };
  });
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Treino", version: "1.0.0", description: "Training as a service: CSV + model spec in, trained TF.js model out." },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  await app.register(multipart, { limits: { fileSize: config.MAX_UPLOAD_BYTES, files: 1, fields: 10 } });
  // A raw CSV body is handed to the route as a stream, never buffered whole.
  const raw = [
    "text/csv",
    "application/csv",
    "text/plain",
    "text/tab-separated-values",
    "application/x-ndjson",
    "application/jsonl",
    "application/x-jsonlines",
  ];
  app.addContentTypeParser(raw, (_req, payload, done) => done(null, payload));

  const db: Db = createDb(config.DATABASE_URL);
  // An unhandled 'error' event would crash the API when Redis goes away; /ready reports it instead.
  const queues = new TrainQueues(config, (err) => app.log.warn({ err: err.message }, "redis connection error"));
  const queue = queues.of("cpu");
  const flows = createFlowProducer(config, (err) => app.log.warn({ err: err.message }, "redis connection error"));
  app.decorate("config", config);
  const listener = new JobListener(db.pool);
  const reads = new ReadCache(listener, config.READ_CACHE_BYTES);
  const webhooks = new Webhooks(db, config, (err) => app.log.warn({ err: err.message }, "redis connection error"));
  const jobs = new JobService(
    db,
    queues,
    config,
    (id) => reads.forget(id),
    (id) => webhooks.ended("job", id),
  );
  const models = new ModelService(db, config, (key) => reads.forget(key));
  // Without LISTEN (Postgres down at start) nothing is cached; it begins once a stream connects it.
  reads.start().catch((err: Error) => app.log.warn({ err: err.message }, "read cache not started: serving every read from Postgres"));
  app.decorate("services", {
    datasets: new DatasetService(db, config),
    jobs,
    jobReads: new JobReads(db, reads),
    models,
    modelReads: new ModelReads(models, reads),
    streams: new JobStreams(db, listener, jobs, config),
    advice: new AdviceService(db, config),
    experiments: new ExperimentService(db, flows, config, reads),
    registry: new RegistryService(db, config, (key) => reads.forget(key)),
  });
  app.addHook("onClose", async () => {
    await listener.close();
    await queues.close();
    await flows.close();
    await webhooks.close();
    closeClusters(config);
    await db.$disconnect();
    await db.pool.end().catch(() => undefined); // the pool is ours: Prisma's adapter does not end it
  });

  registerErrorHandler(app);
  const limiter = await registerRateLimit(app);
  registerAuth(app, limiter); // deny by default, decided from the matched route
  registerTenantRateLimit(app, limiter);

  health(app, { db, redisPing: () => queue.count() });
  metrics(app, { db, queue });
  for (const route of [
    createDataset,
    listDatasets,
    getDataset,
    downloadDataset,
    deleteDataset,
    createJob,
    listJobs,
    getJob,
    cancelJob,
    deleteJob,
    jobEvents,
    jobPlot,
    validateModel,
    getModel,
    listDeleteModels,
    modelFiles,
    predict,
    hiddenUnitsAdvice,
    createExperiment,
    getExperiment,
    cancelExperiment,
    experimentPlot,
    registeredModels,
    registryVersions,
    registryAliases,
    registryFiles,
    webhookSecret,
    dashboard,
  ]) {
    route(app);
  }
  return app;
}
