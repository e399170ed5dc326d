-- The model registry (issue 24, src/registry): registered models, their numbered versions, the
-- models each version needs (VersionPin, which keeps them from deletion), aliases and their moves.
-- CreateTable
CREATE TABLE "RegisteredModel" (
    "id" UUID NOT NULL,
    "tenant" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "nextVersion" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegisteredModel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" UUID NOT NULL,
    "registeredModelId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "modelId" UUID NOT NULL,
    "note" TEXT,
    "lineage" JSONB NOT NULL,
    "files" JSONB NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VersionPin" (
    "versionId" UUID NOT NULL,
    "modelId" UUID NOT NULL,

    CONSTRAINT "VersionPin_pkey" PRIMARY KEY ("versionId","modelId")
);

-- CreateTable
CREATE TABLE "ModelAlias" (
    "registeredModelId" UUID NOT NULL,
    "alias" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelAlias_pkey" PRIMARY KEY ("registeredModelId","alias")
);

-- CreateTable
CREATE TABLE "AliasMove" (
    "id" SERIAL NOT NULL,
    "registeredModelId" UUID NOT NULL,
    "alias" TEXT NOT NULL,
    "fromVersion" INTEGER,
    "toVersion" INTEGER,
    "tenant" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "AliasMove_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RegisteredModel_tenant_name_key" ON "RegisteredModel"("tenant", "name");

-- CreateIndex
CREATE INDEX "ModelVersion_modelId_idx" ON "ModelVersion"("modelId");

-- CreateIndex
CREATE UNIQUE INDEX "ModelVersion_registeredModelId_version_key" ON "ModelVersion"("registeredModelId", "version");

-- CreateIndex
CREATE INDEX "VersionPin_modelId_idx" ON "VersionPin"("modelId");

-- CreateIndex
CREATE INDEX "AliasMove_registeredModelId_id_idx" ON "AliasMove"("registeredModelId", "id");

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_registeredModelId_fkey" FOREIGN KEY ("registeredModelId") REFERENCES "RegisteredModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VersionPin" ADD CONSTRAINT "VersionPin_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VersionPin" ADD CONSTRAINT "VersionPin_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAlias" ADD CONSTRAINT "ModelAlias_registeredModelId_fkey" FOREIGN KEY ("registeredModelId") REFERENCES "RegisteredModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAlias" ADD CONSTRAINT "ModelAlias_registeredModelId_version_fkey" FOREIGN KEY ("registeredModelId", "version") REFERENCES "ModelVersion"("registeredModelId", "version") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AliasMove" ADD CONSTRAINT "AliasMove_registeredModelId_fkey" FOREIGN KEY ("registeredModelId") REFERENCES "RegisteredModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A model's and its job's views list where the model is registered: a version registered or
-- removed, or an alias moved, drops both cached views (src/read-cache.ts). Semicolons in the
-- bodies are spelled \073 (see 20261128180000).
CREATE OR REPLACE FUNCTION "treino_notify_version"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''treino_jobs'', ''model:'' || m.id::text), pg_notify(''treino_jobs'', m."jobId"::text) FROM "Model" m WHERE m.id = COALESCE(NEW."modelId", OLD."modelId")\073 RETURN NULL\073 END';

CREATE OR REPLACE FUNCTION "treino_notify_alias"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''treino_jobs'', ''model:'' || m.id::text), pg_notify(''treino_jobs'', m."jobId"::text) FROM "ModelVersion" v JOIN "Model" m ON m.id = v."modelId" WHERE (v."registeredModelId" = NEW."registeredModelId" AND v.version = NEW.version) OR (v."registeredModelId" = OLD."registeredModelId" AND v.version = OLD.version)\073 RETURN NULL\073 END';

CREATE TRIGGER "ModelVersion_notify" AFTER INSERT OR DELETE ON "ModelVersion" FOR EACH ROW EXECUTE FUNCTION "treino_notify_version"();
CREATE TRIGGER "ModelAlias_notify" AFTER INSERT OR UPDATE OR DELETE ON "ModelAlias" FOR EACH ROW EXECUTE FUNCTION "treino_notify_alias"();
