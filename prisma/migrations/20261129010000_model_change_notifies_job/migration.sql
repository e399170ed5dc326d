-- A job's view shows its model's id: a deleted (or changed) model drops the cached job view too.
CREATE OR REPLACE FUNCTION "treino_notify_model"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''treino_jobs'', ''model:'' || OLD."id"::text)\073 PERFORM pg_notify(''treino_jobs'', OLD."jobId"::text)\073 RETURN NULL\073 END';
