-- Experiments (compare, search) and their trials, which are jobs.
CREATE TABLE "Experiment" (
    "id" UUID NOT NULL,
    "tenant" TEXT NOT NULL,
    "datasetId" UUID,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "report" JSONB,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "errorMessage" TEXT,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "ExperimentPlot" (
    "experimentId" UUID NOT NULL,
    "file" TEXT NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "ExperimentPlot_pkey" PRIMARY KEY ("experimentId","file")
);

ALTER TABLE "Job" ADD COLUMN "experimentId" UUID, ADD COLUMN "trial" JSONB;

CREATE UNIQUE INDEX "Experiment_tenant_idempotencyKey_key" ON "Experiment"("tenant", "idempotencyKey");
CREATE INDEX "Experiment_tenant_createdAt_idx" ON "Experiment"("tenant", "createdAt");
CREATE INDEX "Job_experimentId_idx" ON "Job"("experimentId");

ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ExperimentPlot" ADD CONSTRAINT "ExperimentPlot_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Job" ADD CONSTRAINT "Job_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
