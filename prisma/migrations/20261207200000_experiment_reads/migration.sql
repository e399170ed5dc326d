-- Reads at scale (issue 22). The API caches an experiment's view ('experiment:<id>' in
-- src/read-cache.ts): the experiment's row and every change to one of its trials (a job, or the
-- model of one) now notify that key too. Semicolons in the bodies are spelled \073 (see 20261128180000).
CREATE OR REPLACE FUNCTION "treino_notify_job"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''treino_jobs'', NEW."id"::text)\073 IF NEW."experimentId" IS NOT NULL THEN PERFORM pg_notify(''treino_jobs'', ''experiment:'' || NEW."experimentId"::text)\073 END IF\073 RETURN NULL\073 END';

CREATE OR REPLACE FUNCTION "treino_notify_job_gone"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''treino_jobs'', OLD."id"::text)\073 IF OLD."experimentId" IS NOT NULL THEN PERFORM pg_notify(''treino_jobs'', ''experiment:'' || OLD."experimentId"::text)\073 END IF\073 RETURN NULL\073 END';

CREATE OR REPLACE FUNCTION "treino_notify_model"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''treino_jobs'', ''model:'' || OLD."id"::text)\073 PERFORM pg_notify(''treino_jobs'', OLD."jobId"::text)\073 PERFORM pg_notify(''treino_jobs'', ''experiment:'' || j."experimentId"::text) FROM "Job" j WHERE j.id = OLD."jobId" AND j."experimentId" IS NOT NULL\073 RETURN NULL\073 END';

CREATE OR REPLACE FUNCTION "treino_notify_experiment"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''treino_jobs'', ''experiment:'' || COALESCE(NEW."id", OLD."id")::text)\073 RETURN NULL\073 END';

CREATE TRIGGER "Experiment_notify" AFTER INSERT OR UPDATE OR DELETE ON "Experiment" FOR EACH ROW EXECUTE FUNCTION "treino_notify_experiment"();

-- The job list filtered by status, newest first, without reading the tenant's other jobs.
CREATE INDEX "Job_tenant_status_createdAt_idx" ON "Job"("tenant", "status", "createdAt");
