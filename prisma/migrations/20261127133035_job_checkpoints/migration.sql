-- CreateTable
CREATE TABLE "JobCheckpoint" (
    "jobId" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "meta" JSONB NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobCheckpoint_pkey" PRIMARY KEY ("jobId")
);

-- AddForeignKey
ALTER TABLE "JobCheckpoint" ADD CONSTRAINT "JobCheckpoint_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
