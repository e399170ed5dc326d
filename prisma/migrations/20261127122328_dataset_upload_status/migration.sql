-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "delimiter" TEXT,
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'ready';

-- CreateIndex
CREATE INDEX "Dataset_status_createdAt_idx" ON "Dataset"("status", "createdAt");
