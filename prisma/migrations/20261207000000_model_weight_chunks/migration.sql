-- Model weights in pieces, written one statement each outside any transaction (a 16.8M-parameter
-- model of 67 MB in one interactive transaction outlived the 5 s timeout of Prisma). Models stored
-- before keep their bytes in "weightData", new ones leave it NULL.
ALTER TABLE "Model" ALTER COLUMN "weightData" DROP NOT NULL;

-- No foreign key: the pieces are written before their model row exists (the row is what makes
-- them visible). Pieces of a model never created are removed by the next attempt of the job.
CREATE TABLE "ModelChunk" (
    "modelId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "tenant" TEXT NOT NULL,
    "jobId" UUID NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ModelChunk_pkey" PRIMARY KEY ("modelId","seq")
);
CREATE INDEX "ModelChunk_tenant_idx" ON "ModelChunk"("tenant");
CREATE INDEX "ModelChunk_jobId_idx" ON "ModelChunk"("jobId");

-- The pieces of a model go with it, however it is deleted (its own DELETE, or the cascade from its job).
CREATE OR REPLACE FUNCTION "treino_drop_model_chunks"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN DELETE FROM "ModelChunk" WHERE "modelId" = OLD."id"\073 RETURN NULL\073 END';
CREATE TRIGGER "Model_drop_chunks" AFTER DELETE ON "Model" FOR EACH ROW EXECUTE FUNCTION "treino_drop_model_chunks"();
