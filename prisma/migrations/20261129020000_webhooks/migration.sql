-- Webhooks: the URL a job or experiment calls when it ends, and each delivery attempt.
ALTER TABLE "Job" ADD COLUMN "webhookUrl" TEXT, ADD COLUMN "webhookDeliveries" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "Experiment" ADD COLUMN "webhookUrl" TEXT, ADD COLUMN "webhookDeliveries" JSONB NOT NULL DEFAULT '[]';
