/**
 * Datasets stored as typed columns (issue 22) against the CSV text they replace, on the reference
 * 20,000 x 100 table: the upload's ingest with and without building the pieces (in this process),
 * and a job's read of every column both ways through DatasetService.readTable on real Postgres.
 * Run alone: `node --import tsx bench/typed-read.ts`.
 */
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createDb } from "../src/db.js";
import { DatasetService } from "../src/datasets/dataset-service.js";
import { ingest } from "../src/datasets/ingest.js";
import { mulberry32 } from "../src/training/engine/rng.js";
import { createTestEnv } from "../test/harness.js";

const N = 20_000,
  D = 100;

function referenceCsv(): Buffer {
  const r = mulberry32(1);
  const lines = [[...Array.from({ length: D }, (_, j) => `x${j}`), "class"].join(",")];
  for (let i = 0; i < N; i++) lines.push([...Array.from({ length: D }, () => (r() * 2 - 1).toFixed(5)), `c${i % 10}`].join(","));
  return Buffer.from(lines.join("\n") + "\n");
}

const ms = (t: number) => Math.round((performance.now() - t) * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchTypedRead() {
  const csv = referenceCsv();
  const limits = { maxBytes: 1e9, maxRows: 1e7, maxColumns: 1000, maxCells: 1e9, maxLineBytes: 1e6 };
  const pieces = () =>
    Readable.from(
      (function* () {
        for (let i = 0; i < csv.length; i += 65_536) yield csv.subarray(i, i + 65_536);
      })(),
    );
  const ingestMs: Record<string, number[]> = { textOnly: [], withTypedColumns: [] };
  for (let k = 0; k < 3; k++) {
    let t = performance.now();
    await ingest(pieces(), { format: "csv", limits, onChunk: async () => {} });
    ingestMs.textOnly!.push(ms(t));
    t = performance.now();
    await ingest(pieces(), { format: "csv", limits, onChunk: async () => {}, onColumns: async () => {} });
    ingestMs.withTypedColumns!.push(ms(t));
  }
  const env = await createTestEnv({});
  const db = createDb(env.config.DATABASE_URL);
  try {
    const up = await env.api().post("/v1/datasets?name=reference.csv").set("content-type", "text/csv").send(csv);
    if (up.status !== 201) throw new Error(`upload: ${up.status} ${up.text}`);
    const dataset = await db.dataset.findUniqueOrThrow({ where: { id: up.body.id } });
    const service = new DatasetService(db, env.config);
    const only = new Set([...Array.from({ length: D }, (_, j) => `x${j}`), "class"]);
    const valuesOnly = new Set(Array.from({ length: D }, (_, j) => `x${j}`));
    const readMs: Record<string, number[]> = { csvText: [], typedColumns: [] };
    for (let k = 0; k < 5; k++) {
      let t = performance.now();
      await service.readTable({ ...dataset, columnsStored: false }, { only, valuesOnly });
      readMs.csvText!.push(ms(t));
      t = performance.now();
      await service.readTable(dataset, { only, valuesOnly });
      readMs.typedColumns!.push(ms(t));
    }
    const stored = await db.pool.query<{ n: string; bytes: string }>(
      'SELECT COUNT(*) AS n, SUM(octet_length("data")) AS bytes FROM "DatasetColumn" WHERE "datasetId" = $1',
      [dataset.id],
    );
    return {
      workload: `${N}x${D} CSV of 5-decimal numbers and a 10-class label (${(csv.length / 2 ** 20).toFixed(1)} MiB)`,
      ingestMs: { ...ingestMs, medianTextOnly: median(ingestMs.textOnly!), medianWithTypedColumns: median(ingestMs.withTypedColumns!) },
      readMs: { ...readMs, medianCsvText: median(readMs.csvText!), medianTypedColumns: median(readMs.typedColumns!) },
      typedColumns: { pieces: Number(stored.rows[0]!.n), bytes: Number(stored.rows[0]!.bytes), csvBytes: csv.length },
    };
  } finally {
    await db.$disconnect();
    await db.pool.end().catch(() => undefined);
    await env.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await benchTypedRead(), null, 2));
