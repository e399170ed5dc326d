-- AutoML (issue 23): each trial's predictions on its held-out rows, kept until its experiment
-- builds the ensemble from them, then dropped. Counted in the tenant's storage quota while kept.
CREATE TABLE "TrialPrediction" (
    "jobId" UUID NOT NULL,
    "tenant" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "rows" BYTEA NOT NULL,
    "values" BYTEA NOT NULL,
    "truth" BYTEA NOT NULL,

    CONSTRAINT "TrialPrediction_pkey" PRIMARY KEY ("jobId")
);

CREATE INDEX "TrialPrediction_tenant_idx" ON "TrialPrediction"("tenant");

ALTER TABLE "TrialPrediction" ADD CONSTRAINT "TrialPrediction_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
