-- The API caches the views clients poll (src/jobs/job-reads.ts, src/models/model-reads.ts) and
-- drops an entry when 'treino_jobs' names it: deleted jobs too now, and models ('model:<id>')
-- when they change or go. Semicolons in the bodies are spelled \073 (see 20261128180000).
CREATE OR REPLACE FUNCTION "treino_notify_job_gone"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''treino_jobs'', OLD."id"::text)\073 RETURN NULL\073 END';

CREATE OR REPLACE FUNCTION "treino_notify_model"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''treino_jobs'', ''model:'' || OLD."id"::text)\073 RETURN NULL\073 END';

CREATE TRIGGER "Job_notify_delete" AFTER DELETE ON "Job" FOR EACH ROW EXECUTE FUNCTION "treino_notify_job_gone"();

CREATE TRIGGER "Model_notify" AFTER UPDATE OR DELETE ON "Model" FOR EACH ROW EXECUTE FUNCTION "treino_notify_model"();
