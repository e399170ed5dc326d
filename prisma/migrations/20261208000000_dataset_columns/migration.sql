-- Datasets stored as typed columns (issue 22): Arrow IPC pieces written at upload beside the
-- original file. Datasets uploaded before this have columnsStored false: the first job that reads
-- one stores its pieces.
ALTER TABLE "Dataset" ADD COLUMN "columnsStored" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "DatasetColumn" (
    "datasetId" UUID NOT NULL,
    "column" INTEGER NOT NULL,
    "batch" INTEGER NOT NULL,
    "rowStart" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "canonical" BOOLEAN NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "DatasetColumn_pkey" PRIMARY KEY ("datasetId","column","batch")
);

ALTER TABLE "DatasetColumn" ADD CONSTRAINT "DatasetColumn_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;
