-- Every change to a job or its epochs notifies 'treino_jobs' with the job's id (once per
-- transaction, since Postgres folds identical notifications), delivered at commit. API processes
-- LISTEN once and fan out to their event streams (src/jobs/job-listener.ts) instead of polling.
-- The function bodies spell their semicolons \073: Prisma's pg adapter splits scripts at every
-- semicolon, dollar-quoted bodies included.
CREATE OR REPLACE FUNCTION "treino_notify_job"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''treino_jobs'', NEW."id"::text)\073 RETURN NULL\073 END';

CREATE OR REPLACE FUNCTION "treino_notify_job_epoch"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''treino_jobs'', NEW."jobId"::text)\073 RETURN NULL\073 END';

CREATE TRIGGER "Job_notify" AFTER INSERT OR UPDATE ON "Job" FOR EACH ROW EXECUTE FUNCTION "treino_notify_job"();

CREATE TRIGGER "JobEpoch_notify" AFTER INSERT ON "JobEpoch" FOR EACH ROW EXECUTE FUNCTION "treino_notify_job_epoch"();
