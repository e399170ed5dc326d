-- CreateTable
CREATE TABLE "JobPlot" (
    "jobId" UUID NOT NULL,
    "file" TEXT NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "JobPlot_pkey" PRIMARY KEY ("jobId","file")
);

-- AddForeignKey
ALTER TABLE "JobPlot" ADD CONSTRAINT "JobPlot_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

