import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.js";

export type Db = PrismaClient;

/**
 * Opens a Prisma client over the pg driver adapter (no Rust engine: see
 * ../shared/notes/prisma-offline). A `?schema=` in the URL selects the Postgres schema,
 * which is how tests give each file its own tables.
 */
export function createDb(databaseUrl: string): Db {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get("schema") ?? undefined;
  url.searchParams.delete("schema");
  const adapter = new PrismaPg({ connectionString: url.toString(), max: 5 }, { schema });
  return new PrismaClient({ adapter });
}
