import { createDb } from "../src/db.js";
import { ingest } from "../src/datasets/ingest.js";
import { generatedCsv } from "../bench/api-ingest.js";
const mode = process.argv[2];
import pg from "pg";
const pool = new pg.Pool({ connectionString: "postgresql://postgres@127.0.0.1:5432/treino", max: 2 });
const db = createDb("postgresql://postgres@127.0.0.1:5432/treino");
const ds = await db.dataset.create({ data: { tenant: "x", name: "exp", format: "csv", status: "uploading", rows: 0, sizeBytes: 0, sha256: "", columns: [] } });
let peak = 0;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const t0 = performance.now();
let store = 0;
const r = await ingest(generatedCsv(100), { format: "csv", limits: { maxBytes: 1e12, maxRows: 1e12, maxColumns: 100 }, onChunk: async (seq, bytes) => {
  const t = performance.now();
  if (mode === "prisma") await db.datasetChunk.create({ data: { datasetId: ds.id, seq, data: bytes as Uint8Array<ArrayBuffer> } });
  if (mode === "raw") await db.$executeRaw`INSERT INTO "DatasetChunk" ("datasetId", seq, data) VALUES (${ds.id}::uuid, ${seq}, ${bytes})`;
  if (mode === "pg") await pool.query('INSERT INTO "DatasetChunk" ("datasetId", seq, data) VALUES ($1, $2, $3)', [ds.id, seq, bytes]);
  store += performance.now() - t;
} });
clearInterval(timer);
console.log(mode, ((performance.now() - t0) / 1000).toFixed(1), "s; store", (store / 1000).toFixed(1), "s; peak RSS", Math.round(peak / 2 ** 20), "MB; rows", r.rows);

if (mode !== "noop") { const t1 = performance.now(); const rows = await db.datasetChunk.findMany({ where: { datasetId: ds.id }, orderBy: { seq: "asc" } }); console.log("prisma read", ((performance.now() - t1) / 1000).toFixed(1), "s", rows.length);
const t2 = performance.now(); const res = await pool.query('SELECT data FROM "DatasetChunk" WHERE "datasetId" = $1 ORDER BY seq', [ds.id]); console.log("pg read", ((performance.now() - t2) / 1000).toFixed(1), "s", res.rows.length, Buffer.isBuffer(res.rows[0].data)); }
await db.dataset.delete({ where: { id: ds.id } });
await db.$disconnect(); await pool.end();
