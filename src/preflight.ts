/**
 * What `npm start` (and the test harness) check before anything else: Postgres and Redis answer,
 * and the database exists (created when missing, as a newcomer would otherwise have to). A
 * failure says which service, at which address, and how to start it.
 */
import pg from "pg";
import { redisClient } from "./redis.js";

const HOW_TO_START = "start it (Debian: `sudo service postgresql start` / `sudo service redis-server start`), or run `docker compose up -d postgres redis`";

export class PreflightError extends Error {}

/** Host and port of a URL, for messages (never its password). */
const where = (url: URL, port: number) => `${url.hostname}:${url.port || port}`;

/** Connects to DATABASE_URL's database, creating it when Postgres answers but it does not exist. Returns true if it was created. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1)) || "postgres";
  const tryConnect = async (u: URL) => {
    const client = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 5000 });
    await client.connect();
    return client;
  };
  try {
    await (await tryConnect(url)).end();
    return false;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== "3D000")
      throw new PreflightError(`Postgres is not reachable at ${where(url, 5432)} (DATABASE_URL): ${(err as Error).message}. ${HOW_TO_START}`);
  }
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name))
    throw new PreflightError(`database "${name}" does not exist, and its name is not one this script creates: create it yourself (createdb)`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  admin.search = "";
  const client = await tryConnect(admin);
  try {
    // An identifier cannot be a $n parameter: quoted by pg (the name passed the check above too).
    const create = `CREATE DATABASE ${client.escapeIdentifier(name)}`;
    await client.query(create);
  } catch (err) {
    if ((err as { code?: string }).code !== "42P04")
      throw new PreflightError(`could not create database "${name}" at ${where(url, 5432)}: ${(err as Error).message}`); // 42P04: created meanwhile
  } finally {
    await client.end();
  }
  return true;
}

/** Pings REDIS_URL once, within 5 s. */
export async function checkRedis(redisUrl: string): Promise<void> {
  const url = new URL(redisUrl.split(",")[0]!.trim());
  const redis = redisClient(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 5000,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on("error", () => undefined); // reported by connect's rejection
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new PreflightError(`Redis is not reachable at ${where(url, 6379)} (REDIS_URL): ${(err as Error).message}. ${HOW_TO_START}`);
  } finally {
    redis.disconnect();
  }
}
