import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";

/**
 * Prisma for rows, and its pg pool for bulk bytes: Prisma 6's driver-adapter path moves a 4 MiB
 * bytea ~10x slower than pg and holds copies of it (bench/, BENCHMARKS.md), so dataset pieces
 * go through `pool` directly (src/datasets/chunk-store.ts).
 */
export type Db = PrismaClient & { readonly pool: pg.Pool };

/**
 * Opens a Prisma client over the pg driver adapter (no Rust engine: see
 * docs/notes/prisma-offline). A `?schema=` in the URL selects the Postgres schema,
 * which is how tests give each file its own tables.
 */
export function createDb(databaseUrl: string): Db {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get("schema") ?? undefined;
  url.searchParams.delete("schema");
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: 5,
    // Raw queries name tables unqualified: point them at the same schema Prisma uses.
    ...(schema ? { options: `-c search_path="${schema.replace(/"/g, "")}"` } : {}),
  });
  pool.on("error", () => undefined); // an idle client's lost connection; the next query reconnects
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) });
  Object.defineProperty(client, "pool", { value: pool, enumerable: false });
  return client as Db;
}

/**
 * Holds a Postgres advisory lock on (`scope`, tenant) until the transaction `tx` ends: what a
 * count-then-insert (or count-then-claim) per tenant needs so parallel requests or workers
 * cannot all see room for one more.
 */
export async function lockTenant(
  tx: { $executeRaw: PrismaClient["$executeRaw"] },
  scope: "jobs" | "run" | "experiments" | "registry",
  tenant: string,
): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`${scope}:${tenant}`}))`;
}

/** Postgres codes of a server going away or not there yet: admin shutdown, crash, cannot connect now, connection failures. */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"]);
/** Prisma's codes for the same: can't reach, timed out reaching, closed the connection, pool timeout. */
const UNAVAILABLE_PRISMA = new Set(["P1001", "P1002", "P1017", "P2024"]);
const UNAVAILABLE_NET = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * Whether an error means Postgres is unreachable (down, restarting, a connection cut) rather
 * than a fault of the request or of our code: the API answers those 503, to be retried.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_PRISMA.has(code) || UNAVAILABLE_NET.has(code)) return true;
    const message = String((e as { message?: unknown }).message ?? "");
    if (
      /Connection terminated|connection (is )?(closed|ended)|Client has encountered a connection error|terminating connection due to administrator command|the database system is (starting up|shutting down)/i.test(
        message,
      )
    )
      return true;
  }
  return false;
}
