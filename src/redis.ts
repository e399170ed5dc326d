/**
 * Redis connections from REDIS_URL: one server (`redis://host:6379/0`), or a Redis Cluster given
 * as its nodes' URLs separated by commas (`redis://a:6379,redis://b:6379`; ioredis finds the rest).
 * Every BullMQ key carries the hash tag of `queuePrefix`, so a queue's keys share one slot: BullMQ's
 * requirement on a cluster (its docs, "Redis Cluster"); without it multi-key commands fail with CROSSSLOT.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";

export type RedisClient = Redis | Cluster;

interface Parsed {
  nodes: Array<{ host: string; port: number }>;
  /** What every node is connected with (plain fields: BullMQ and ioredis type them apart). */
  options: { username?: string; password?: string; db: number; tls?: object };
}

/** The nodes and the options (auth, db) of a REDIS_URL. */
export function parseRedisUrl(redisUrl: string): Parsed {
  const urls = redisUrl
    .split(",")
    .map((u) => u.trim())
    .filter(Boolean)
    .map((u) => new URL(u));
  const first = urls[0]!;
  return {
    nodes: urls.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })),
    options: {
      username: first.username || undefined,
      password: first.password ? decodeURIComponent(first.password) : undefined,
      ...(first.protocol === "rediss:" ? { tls: {} } : {}),
      // A cluster has database 0 only.
      db: urls.length === 1 && first.pathname.length > 1 ? Number(first.pathname.slice(1)) : 0,
    },
  };
}

export const isCluster = (redisUrl: string): boolean => parseRedisUrl(redisUrl).nodes.length > 1;

/** A client of REDIS_URL: a Cluster when it lists several nodes, else one connection. */
export function redisClient(redisUrl: string, options: RedisOptions = {}): RedisClient {
  const parsed = parseRedisUrl(redisUrl);
  if (parsed.nodes.length > 1) {
    const clusterOptions: ClusterOptions = {
      redisOptions: { ...parsed.options, ...options },
      lazyConnect: options.lazyConnect,
      enableOfflineQueue: options.enableOfflineQueue,
    };
    return new Cluster(parsed.nodes, clusterOptions);
  }
  return new Redis({ ...parsed.nodes[0]!, ...parsed.options, ...options });
}

/** QUEUE_PREFIX as a hash tag (`{treino}`), unless it already holds one. */
export const queuePrefix = (prefix: string): string => (/\{[^}]+\}/.test(prefix) ? prefix : `{${prefix}}`);
