-- CreateTable
CREATE TABLE "Dataset" (
    "id" UUID NOT NULL,
    "tenant" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "columns" JSONB NOT NULL,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Dataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DatasetChunk" (
    "datasetId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "DatasetChunk_pkey" PRIMARY KEY ("datasetId","seq")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" UUID NOT NULL,
    "tenant" TEXT NOT NULL,
    "datasetId" UUID,
    "status" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "backend" TEXT,
    "epoch" INTEGER NOT NULL DEFAULT 0,
    "epochs" INTEGER NOT NULL,
    "metrics" JSONB,
    "warnings" JSONB NOT NULL DEFAULT '[]',
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "idempotencyKey" TEXT,
    "requestHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobEpoch" (
    "jobId" UUID NOT NULL,
    "epoch" INTEGER NOT NULL,
    "logs" JSONB NOT NULL,

    CONSTRAINT "JobEpoch_pkey" PRIMARY KEY ("jobId","epoch")
);

-- CreateTable
CREATE TABLE "Model" (
    "id" UUID NOT NULL,
    "tenant" TEXT NOT NULL,
    "jobId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "summary" JSONB NOT NULL,
    "metrics" JSONB NOT NULL,
    "target" TEXT NOT NULL,
    "features" JSONB NOT NULL,
    "labels" JSONB NOT NULL,
    "preprocessing" JSONB NOT NULL,
    "topology" JSONB NOT NULL,
    "weightSpecs" JSONB NOT NULL,
    "weightData" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Dataset_tenant_createdAt_idx" ON "Dataset"("tenant", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_tenant_idempotencyKey_key" ON "Dataset"("tenant", "idempotencyKey");

-- CreateIndex
CREATE INDEX "Job_tenant_createdAt_idx" ON "Job"("tenant", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Job_tenant_idempotencyKey_key" ON "Job"("tenant", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Model_jobId_key" ON "Model"("jobId");

-- CreateIndex
CREATE INDEX "Model_tenant_createdAt_idx" ON "Model"("tenant", "createdAt");

-- AddForeignKey
ALTER TABLE "DatasetChunk" ADD CONSTRAINT "DatasetChunk_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobEpoch" ADD CONSTRAINT "JobEpoch_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
