import type { Config } from "../config.js";
import { lockTenant, type Db } from "../db.js";
import { AppError, requireTenant } from "../errors.js";
import { pageArgs, toPage, type Page, type PageQuery } from "../page.js";
import { ALIAS_MOVE_BYTES, remainingStorage } from "../storage-quota.js";
import { atLeast, heldOutScore, registrable } from "./lineage.js";
import type {
  AliasMoveView,
  AliasView,
  AuditQuery,
  CreateRegisteredModel,
  Lineage,
  MoveAlias,
  RegisteredModelView,
  RegisterVersion,
  VersionView,
} from "./registry-schema.js";
import { isForeignKeyViolation } from "./registrations.js";
import { toAliasMove, toRegisteredModelView, toVersionView, urlsOf, VIEW_INCLUDE, type Tx } from "./registry-views.js";

/** What a stable URL resolves to: the version and the model it serves. */
export interface Resolved {
  registeredModelId: string;
  version: number;
  modelId: string;
  files: string[];
}

/**
 * The model registry (MLflow's registered models, versions and aliases): names per tenant,
 * immutable numbered versions of trained models, and aliases whose every move is audited. Every
 * change to a registered model's versions or aliases holds its row's lock, so moves and
 * registrations racing each other apply one after the other.
 */
export class RegistryService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    /** Told the cache keys of the models (and their jobs) whose registrations changed. */
    private readonly changed: (key: string) => void = () => undefined,
  ) {}

  async create(tenant: string, body: CreateRegisteredModel): Promise<RegisteredModelView> {
    requireTenant(tenant);
    const row = await this.db.$transaction(async (tx) => {
      await lockTenant(tx, "registry", tenant);
      if (await tx.registeredModel.findUnique({ where: { tenant_name: { tenant, name: body.name } }, select: { id: true } }))
        throw new AppError("conflict", `a registered model named '${body.name}' already exists`, [{ path: "name", message: "taken" }]);
      const held = await tx.registeredModel.count({ where: { tenant } });
      if (held >= this.config.MAX_REGISTERED_MODELS_PER_TENANT)
        throw new AppError("quota_exceeded", `this tenant holds ${held} registered models, the limit (MAX_REGISTERED_MODELS_PER_TENANT): delete one first`);
      return tx.registeredModel.create({ data: { tenant, name: body.name, description: body.description ?? null }, include: VIEW_INCLUDE });
    });
    return toRegisteredModelView(row);
  }

  async list(tenant: string, q: PageQuery): Promise<Page<RegisteredModelView>> {
    requireTenant(tenant);
    if (q.cursor && !(await this.db.registeredModel.findFirst({ where: { id: q.cursor, tenant }, select: { id: true } })))
      throw new AppError("validation_failed", "cursor is not one of this tenant's registered models", [{ path: "cursor", message: "unknown cursor" }]);
    const rows = await this.db.registeredModel.findMany({ where: { tenant }, include: VIEW_INCLUDE, ...pageArgs(q) });
    return toPage(rows, q, toRegisteredModelView);
  }

  async get(tenant: string, name: string): Promise<RegisteredModelView> {
    requireTenant(tenant);
    const rm = await this.db.registeredModel.findUnique({ where: { tenant_name: { tenant, name } }, include: VIEW_INCLUDE });
    if (!rm) throw this.noModel(name);
    return toRegisteredModelView(rm);
  }

  /** Deletes a registered model with its versions (the models stay) and audit: only when no alias points into it. */
  async delete(tenant: string, name: string): Promise<void> {
    requireTenant(tenant);
    const modelIds = await this.db.$transaction(async (tx) => {
      const rm = await this.lock(tx, tenant, name);
      const aliases = await tx.modelAlias.findMany({ where: { registeredModelId: rm.id }, orderBy: { alias: "asc" } });
      if (aliases.length > 0)
        throw new AppError(
          "conflict",
          `'${name}' still has aliases (${aliases.map((a) => `${a.alias} → v${a.version}`).join(", ")}): delete them first (DELETE /v1/registry/${name}/aliases/<alias>)`,
        );
      const versions = await tx.modelVersion.findMany({ where: { registeredModelId: rm.id }, select: { modelId: true } });
      await tx.registeredModel.delete({ where: { id: rm.id } });
      return versions.map((v) => v.modelId);
    });
    await this.tell(modelIds);
  }

  /** Registers a tenant's trained model as the next version; its lineage is copied now. */
  async register(tenant: string, name: string, body: RegisterVersion): Promise<VersionView> {
    requireTenant(tenant);
    const it = await registrable(this.db, tenant, body.modelId);
    const bytes = Buffer.byteLength(JSON.stringify(it.lineage)) + Buffer.byteLength(body.note ?? "");
    const left = await remainingStorage(this.db.pool, tenant, this.config.MAX_STORAGE_BYTES_PER_TENANT, "version refused");
    if (bytes > left)
      throw new AppError(
        "quota_exceeded",
        `version refused: its lineage takes ${bytes} bytes, ${left} are left of MAX_STORAGE_BYTES_PER_TENANT; delete datasets or models first`,
      );
    const row = await this.db
      .$transaction(async (tx) => {
        const rm = await this.lock(tx, tenant, name);
        const same = await tx.modelVersion.findFirst({ where: { registeredModelId: rm.id, modelId: it.modelId }, select: { version: true } });
        if (same)
          throw new AppError("conflict", `model ${it.modelId} is already version ${same.version} of '${name}'`, [
            { path: "modelId", message: `already version ${same.version}` },
          ]);
        const held = await tx.modelVersion.count({ where: { registeredModelId: rm.id } });
        if (held >= this.config.MAX_VERSIONS_PER_MODEL)
          throw new AppError(
            "quota_exceeded",
            `'${name}' holds ${held} versions, the limit (MAX_VERSIONS_PER_MODEL): delete an old version first (DELETE /v1/registry/${name}/versions/<n>)`,
          );
        await tx.registeredModel.update({ where: { id: rm.id }, data: { nextVersion: { increment: 1 } } });
        return tx.modelVersion.create({
          data: {
            registeredModelId: rm.id,
            version: rm.nextVersion,
            modelId: it.modelId,
            note: body.note ?? null,
            lineage: it.lineage as object,
            files: it.files,
            createdBy: tenant,
            pins: { createMany: { data: it.pins.map((modelId) => ({ modelId })) } },
          },
          include: { aliases: { select: { alias: true } } },
        });
      })
      .catch((err: unknown) => {
        // The model (or a member) was deleted between the read and the insert.
        if (isForeignKeyViolation(err)) throw new AppError("not_found", `model ${body.modelId} not found`, [{ path: "modelId", message: "deleted meanwhile" }]);
        throw err;
      });
    await this.tell([it.modelId]);
    return toVersionView(name, row);
  }

  async versions(tenant: string, name: string, q: PageQuery): Promise<Page<VersionView>> {
    requireTenant(tenant);
    const rm = await this.find(tenant, name);
    if (q.cursor && !(await this.db.modelVersion.findFirst({ where: { id: q.cursor, registeredModelId: rm.id }, select: { id: true } })))
      throw new AppError("validation_failed", `cursor is not one of '${name}''s versions`, [{ path: "cursor", message: "unknown cursor" }]);
    const rows = await this.db.modelVersion.findMany({
      where: { registeredModelId: rm.id },
      include: { aliases: { select: { alias: true } } },
      ...pageArgs(q),
    });
    return toPage(rows, q, (v) => toVersionView(name, v, true));
  }

  async version(tenant: string, name: string, version: number): Promise<VersionView> {
    requireTenant(tenant);
    const rm = await this.find(tenant, name);
    const v = await this.db.modelVersion.findUnique({
      where: { registeredModelId_version: { registeredModelId: rm.id, version } },
      include: { aliases: { select: { alias: true } } },
    });
    if (!v) throw this.noVersion(name, version);
    return toVersionView(name, v);
  }

  /** Unregisters a version (its model stays, and may be deleted once no version needs it); 409 while an alias points at it. */
  async unregister(tenant: string, name: string, version: number): Promise<void> {
    requireTenant(tenant);
    const modelId = await this.db
      .$transaction(async (tx) => {
        const rm = await this.lock(tx, tenant, name);
        const v = await tx.modelVersion.findUnique({
          where: { registeredModelId_version: { registeredModelId: rm.id, version } },
          include: { aliases: { select: { alias: true } } },
        });
        if (!v) throw this.noVersion(name, version);
        if (v.aliases.length > 0)
          throw new AppError(
            "conflict",
            `version ${version} of '${name}' is what ${v.aliases.map((a) => a.alias).join(", ")} point${v.aliases.length > 1 ? "" : "s"} at: move or delete ${v.aliases.length > 1 ? "them" : "it"} first`,
          );
        await tx.modelVersion.delete({ where: { id: v.id } });
        return v.modelId;
      })
      .catch((err: unknown) => {
        if (isForeignKeyViolation(err)) throw new AppError("conflict", `an alias of '${name}' points at version ${version}: move it first`);
        throw err;
      });
    await this.tell([modelId]);
  }

  /**
   * Points an alias at a version (creating it), recording the move; with `ifMetricAtLeast`, refused
   * (409, both numbers) when the version's held-out metric is worse than the `of` alias's version's
   * on the same data. Racing moves apply in turn: one wins, both are in the audit list.
   */
  async moveAlias(tenant: string, name: string, alias: string, body: MoveAlias): Promise<AliasView> {
    requireTenant(tenant);
    const left = await remainingStorage(this.db.pool, tenant, this.config.MAX_STORAGE_BYTES_PER_TENANT, "alias move refused");
    if (left < ALIAS_MOVE_BYTES)
      throw new AppError(
        "quota_exceeded",
        `alias move refused: its audit row needs ${ALIAS_MOVE_BYTES} bytes, ${left} are left of MAX_STORAGE_BYTES_PER_TENANT`,
      );
    const out = await this.db.$transaction(async (tx) => {
      const rm = await this.lock(tx, tenant, name);
      const target = await tx.modelVersion.findUnique({ where: { registeredModelId_version: { registeredModelId: rm.id, version: body.version } } });
      if (!target) throw new AppError("not_found", `'${name}' has no version ${body.version}`, [{ path: "version", message: "no such version" }]);
      const current = await tx.modelAlias.findUnique({ where: { registeredModelId_alias: { registeredModelId: rm.id, alias } } });
      const guard = body.ifMetricAtLeast ? await this.guard(tx, rm.id, name, target, body.ifMetricAtLeast) : undefined;
      if (current?.version === body.version) return { previous: current.version, moved: false, guard, files: target.files, modelIds: [] };
      if (!current) {
        const held = await tx.modelAlias.count({ where: { registeredModelId: rm.id } });
        if (held >= this.config.MAX_ALIASES_PER_MODEL)
          throw new AppError("quota_exceeded", `'${name}' has ${held} aliases, the limit (MAX_ALIASES_PER_MODEL): delete one first`);
      }
      await tx.modelAlias.upsert({
        where: { registeredModelId_alias: { registeredModelId: rm.id, alias } },
        create: { registeredModelId: rm.id, alias, version: body.version },
        update: { version: body.version, updatedAt: new Date() },
      });
      await tx.aliasMove.create({ data: { registeredModelId: rm.id, alias, fromVersion: current?.version ?? null, toVersion: body.version, tenant } });
      const before = current
        ? await tx.modelVersion.findUnique({ where: { registeredModelId_version: { registeredModelId: rm.id, version: current.version } } })
        : null;
      return { previous: current?.version ?? null, moved: true, guard, files: target.files, modelIds: [target.modelId, ...(before ? [before.modelId] : [])] };
    });
    await this.tell(out.modelIds);
    return {
      name,
      alias,
      version: body.version,
      previous: out.previous,
      moved: out.moved,
      ...(out.guard ? { guard: out.guard } : {}),
      urls: urlsOf(`/v1/registry/${name}/aliases/${alias}/`, out.files as string[]),
    };
  }

  /** The guard of a move: compares the version's held-out metric with the `of` alias's version's; throws 409 when worse or not comparable. */
  private async guard(
    tx: Tx,
    registeredModelId: string,
    name: string,
    target: { version: number; lineage: unknown },
    g: NonNullable<MoveAlias["ifMetricAtLeast"]>,
  ) {
    const of = await tx.modelAlias.findUnique({ where: { registeredModelId_alias: { registeredModelId, alias: g.of } }, include: { target: true } });
    const mine = heldOutScore(target.lineage as Lineage, g.metric);
    const base = { metric: g.metric, version: target.version, of: g.of, current: mine?.value ?? null, part: mine?.part ?? "none" };
    if (!of) return { ...base, ofValue: null, passed: true, why: `${g.of} points at no version yet: nothing to beat` };
    if (!mine)
      throw new AppError("conflict", `version ${target.version} of '${name}' has no held-out ${g.metric} to compare`, [
        { path: "ifMetricAtLeast.metric", message: `not among version ${target.version}'s metrics` },
      ]);
    const theirs = heldOutScore(of.target.lineage as Lineage, g.metric);
    if (!theirs)
      throw new AppError("conflict", `version ${of.version} of '${name}' (${g.of}) has no held-out ${g.metric} to compare`, [
        { path: "ifMetricAtLeast.metric", message: `not among version ${of.version}'s metrics` },
      ]);
    const [a, b] = [(target.lineage as Lineage).dataset.sha256, (of.target.lineage as Lineage).dataset.sha256];
    if (!a || a !== b)
      throw new AppError(
        "conflict",
        `version ${target.version} and version ${of.version} (${g.of}) were not tested on the same data (dataset content ${a?.slice(0, 12) ?? "unknown"} vs ${b?.slice(0, 12) ?? "unknown"}): their ${g.metric} cannot be compared; move without ifMetricAtLeast to override`,
      );
    const passed = atLeast(g.metric, mine.value, theirs.value);
    const why = `${mine.part} ${g.metric} ${mine.value.toFixed(4)} (version ${target.version}) ${passed ? "is at least" : "is worse than"} ${theirs.value.toFixed(4)} (version ${of.version}, ${g.of})`;
    if (!passed) throw new AppError("conflict", `refused: ${why}`, [{ path: "ifMetricAtLeast", message: `${g.metric} ${mine.value} < ${theirs.value}` }]);
    return { ...base, ofValue: theirs.value, passed, why };
  }

  /** Deletes an alias, recording the move. */
  async deleteAlias(tenant: string, name: string, alias: string): Promise<void> {
    requireTenant(tenant);
    const modelIds = await this.db.$transaction(async (tx) => {
      const rm = await this.lock(tx, tenant, name);
      const current = await tx.modelAlias.findUnique({ where: { registeredModelId_alias: { registeredModelId: rm.id, alias } }, include: { target: true } });
      if (!current) throw new AppError("not_found", `'${name}' has no alias ${alias}`);
      await tx.modelAlias.delete({ where: { registeredModelId_alias: { registeredModelId: rm.id, alias } } });
      await tx.aliasMove.create({ data: { registeredModelId: rm.id, alias, fromVersion: current.version, toVersion: null, tenant } });
      return [current.target.modelId];
    });
    await this.tell(modelIds);
  }

  /** The alias moves, newest first (`before`: the id of the last move seen). */
  async audit(tenant: string, name: string, q: AuditQuery): Promise<{ items: AliasMoveView[]; nextBefore: number | null }> {
    requireTenant(tenant);
    const rm = await this.find(tenant, name);
    const rows = await this.db.aliasMove.findMany({
      where: { registeredModelId: rm.id, ...(q.before ? { id: { lt: q.before } } : {}) },
      orderBy: { id: "desc" },
      take: q.limit + 1,
    });
    const kept = rows.slice(0, q.limit);
    return { items: kept.map(toAliasMove), nextBefore: rows.length > q.limit ? kept[kept.length - 1]!.id : null };
  }

  /** The version an alias or a number names, and the model it serves (one query); 404 naming what is missing. */
  async resolve(tenant: string, name: string, ref: { alias: string } | { version: number }): Promise<Resolved> {
    requireTenant(tenant);
    const { rows } = await this.db.pool.query<Resolved>(
      `SELECT r.id AS "registeredModelId", v.version, v."modelId", v.files FROM "RegisteredModel" r
       JOIN "ModelVersion" v ON v."registeredModelId" = r.id
       WHERE r.tenant = $1 AND r.name = $2
         AND v.version = COALESCE($3::int, (SELECT a.version FROM "ModelAlias" a WHERE a."registeredModelId" = r.id AND a.alias = $4))`,
      [tenant, name, "version" in ref ? ref.version : null, "alias" in ref ? ref.alias : null],
    );
    if (rows[0]) return rows[0];
    await this.find(tenant, name); // 404 for the name first
    throw "version" in ref ? this.noVersion(name, ref.version) : new AppError("not_found", `'${name}' has no alias ${ref.alias}`);
  }

  /** A tenant's registered model by name; another tenant's is as absent as a missing one. */
  private async find(tenant: string, name: string): Promise<{ id: string }> {
    const rm = await this.db.registeredModel.findUnique({ where: { tenant_name: { tenant, name } }, select: { id: true } });
    if (!rm) throw this.noModel(name);
    return rm;
  }

  /** The registered model's row, locked for this transaction: its changes apply one at a time. */
  private async lock(tx: Tx, tenant: string, name: string): Promise<{ id: string; nextVersion: number }> {
    const rows = await tx.$queryRaw<Array<{ id: string; nextVersion: number }>>`
      SELECT id, "nextVersion" FROM "RegisteredModel" WHERE tenant = ${tenant} AND name = ${name} FOR UPDATE`;
    if (!rows[0]) throw this.noModel(name);
    return rows[0];
  }

  private noModel = (name: string) => new AppError("not_found", `no registered model named '${name}'`);
  private noVersion = (name: string, version: number) => new AppError("not_found", `'${name}' has no version ${version}`);

  /** Drops the cached views of these models and their jobs, which list their registrations. */
  private async tell(modelIds: string[]): Promise<void> {
    if (modelIds.length === 0) return;
    const models = await this.db.model.findMany({ where: { id: { in: modelIds } }, select: { id: true, jobId: true } });
    for (const m of models) {
      this.changed(`model:${m.id}`);
      this.changed(m.jobId);
    }
  }
}
