import { randomUUID } from "node:crypto";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { parseIntoClientConfig } from "pg-connection-string";

// Prisma does not read .env when a config file exists; real env vars win (Node >= 20.12).
try {
  process.loadEnvFile();
} catch {}
// `prisma generate` (postinstall) connects to nothing but still needs a url to resolve.
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/treino";
process.env.CHECKPOINT_DISABLE ??= "1";

// Workaround prisma/orm#27403 (CLI process only): adapter-pg 6.x rejects the catalog
// types `name` (OID 19) and `"char"` (OID 18) that the schema engine queries. Both are text.
const Result = (pg as any).Result;
if (!Result?.prototype?.addFields) throw new Error("unexpected pg version: pg.Result missing");
if (!Result.prototype.__nameAsText) {
  const addFields = Result.prototype.addFields;
  Result.prototype.addFields = function (fields: Array<{ dataTypeID: number }>) {
    for (const f of fields) if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
    return addFields.call(this, fields);
  };
  Result.prototype.__nameAsText = true;
}

// PrismaPg.connectToShadowDb() in 6.19 (a) points the shadow pool back at the main DB when
// given a connectionString and (b) drops the shadow DB while still connected. Fixed here.
class MigratePg extends PrismaPg {
  constructor(private readonly cfg: pg.PoolConfig) {
    super(cfg);
  }
  override async connectToShadowDb() {
    const admin = await this.connect();
    const database = `prisma_shadow_${randomUUID().replace(/-/g, "")}`;
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg({ ...this.cfg, database }).connect();
    const closeShadow = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await closeShadow();
      try {
        await admin.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      } finally {
        await admin.dispose();
      }
    };
    return shadow;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  engine: "js", // bundled WASM schema engine instead of the downloaded native binary
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    const { connectionString: _ignored, ...cfg } = parseIntoClientConfig(url) as pg.PoolConfig;
    return new MigratePg(cfg);
  },
});
