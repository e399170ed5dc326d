import type { AliasMove, ModelVersion, Prisma, RegisteredModel } from "../../generated/prisma/client.js";
import type { AliasMoveView, Lineage, RegisteredModelView, VersionView } from "./registry-schema.js";

/** A Prisma interactive transaction's client. */
export type Tx = Prisma.TransactionClient;

/** What a registered model's view reads beside its row: its aliases, its newest version and its count of versions. */
export const VIEW_INCLUDE = {
  aliases: { select: { alias: true, version: true }, orderBy: { alias: "asc" as const } },
  versions: { select: { version: true }, orderBy: { version: "desc" as const }, take: 1 },
  _count: { select: { versions: true } },
} satisfies Prisma.RegisteredModelInclude;

type RegisteredModelRow = RegisteredModel & {
  aliases: Array<{ alias: string; version: number }>;
  versions: Array<{ version: number }>;
  _count: { versions: number };
};

export function toRegisteredModelView(r: RegisteredModelRow): RegisteredModelView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    createdAt: r.createdAt.toISOString(),
    latestVersion: r.versions[0]?.version ?? null,
    versions: r._count.versions,
    aliases: Object.fromEntries(r.aliases.map((a) => [a.alias, a.version])),
  };
}

/** A version's (or an alias's) stable URLs: each file it downloads as, and predict. */
export function urlsOf(base: string, files: string[]): Record<string, string> {
  return Object.fromEntries([...files, "predict"].map((f) => [f, `${base}${f}`]));
}

/** A version as clients see it; `brief` (the list's) leaves out the lineage's spec. */
export function toVersionView(name: string, v: ModelVersion & { aliases: Array<{ alias: string }> }, brief = false): VersionView {
  const lineage = v.lineage as Lineage;
  const { spec: _, ...short } = lineage;
  return {
    id: v.id,
    name,
    version: v.version,
    modelId: v.modelId,
    note: v.note,
    aliases: v.aliases.map((a) => a.alias).sort(),
    lineage: brief ? short : lineage,
    createdBy: v.createdBy,
    createdAt: v.createdAt.toISOString(),
    urls: urlsOf(`/v1/registry/${name}/versions/${v.version}/`, v.files as string[]),
  };
}

export const toAliasMove = (m: AliasMove): AliasMoveView => ({
  id: m.id,
  alias: m.alias,
  from: m.fromVersion,
  to: m.toVersion,
  tenant: m.tenant,
  at: m.at.toISOString(),
});
