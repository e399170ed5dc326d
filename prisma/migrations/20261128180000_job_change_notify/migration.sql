-- Every change to a job or its epochs notifies 'treino_jobs' with the job's id (once per
-- transaction: Postgres folds identical notifications), delivered at commit. API processes
-- LISTEN once and fan out to their event streams (src/jobs/job-listener.ts) instead of polling.
CREATE OR REPLACE FUNCTION "treino_notify_job"() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('treino_jobs', NEW."id"::text);
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION "treino_notify_job_epoch"() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('treino_jobs', NEW."jobId"::text);
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER "Job_notify" AFTER INSERT OR UPDATE ON "Job" FOR EACH ROW EXECUTE FUNCTION "treino_notify_job"();
CREATE TRIGGER "JobEpoch_notify" AFTER INSERT ON "JobEpoch" FOR EACH ROW EXECUTE FUNCTION "treino_notify_job_epoch"();
