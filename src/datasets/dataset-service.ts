import { LRUCache } from "lru-cache";
import { z } from "zod";
import { Readable } from "node:stream";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { AppError, requireTenant } from "../errors.js";
import { remainingStorage } from "../storage-quota.js";
import type { Dataset } from "../../generated/prisma/client.js";
import { pageArgs, toPage, type Page, type PageQuery } from "../page.js";
import { ingest } from "./ingest.js";
import { ColumnProfileSchema, readProfiles, type ColumnProfile } from "../tables/profile.js";
import { forEachRecord, readColumns, readTable, type Table } from "../tables/read-table.js";
import { ColumnPieceBuilder, encodeBatch, piecesServe, type RowBatch } from "../tables/column-pieces.js";
import { jsonField, ownField } from "../tables/jsonl.js";
import { ChunkStore } from "./chunk-store.js";
import { ColumnStore, type PieceInfo } from "./column-store.js";
import type { DatasetFormat } from "../tables/sniff.js";

/** A dataset as clients see it: the response schema (OpenAPI) and the service's type, one definition. */
export const DatasetViewSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  format: z.enum(["csv", "jsonl"]),
  delimiter: z.string().nullable(),
  rows: z.number().int(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  columns: z.array(ColumnProfileSchema),
  createdAt: z.string(),
});
export type DatasetView = z.infer<typeof DatasetViewSchema>;

/**
 * Datasets' parsed profiles by id: a dataset never changes once ready, and a page of wide ones
 * (up to 2,000 columns each) would otherwise be parsed on every list, besides the response
 * schema's own check.
 */
const profiles = new LRUCache<string, ColumnProfile[]>({ max: 256 });

function profilesOf(d: Pick<Dataset, "id" | "columns" | "status">): ColumnProfile[] {
  let parsed = profiles.get(d.id);
  if (!parsed) {
    parsed = readProfiles(d.columns);
    if (d.status === "ready") profiles.set(d.id, parsed);
  }
  return parsed;
}

export function toDatasetView(d: Dataset): DatasetView {
  return {
    id: d.id,
    name: d.name,
    format: d.format as DatasetFormat,
    delimiter: d.delimiter,
    rows: d.rows,
    sizeBytes: d.sizeBytes,
    sha256: d.sha256,
    columns: profilesOf(d),
    createdAt: d.createdAt.toISOString(),
  };
}

export interface UploadInput {
  name: string;
  format: DatasetFormat;
  delimiter?: string;
  idempotencyKey?: string;
}

/** Uploads older than this still `uploading` were cut off by a crash; the sweeper removes them. */
const STALE_UPLOAD_MS = 60 * 60 * 1000;

/** Runs `remove` now; if Postgres does not answer, again every 2 s for up to 2 minutes, in the background. */
async function removeWhenReachable(remove: () => Promise<unknown>): Promise<void> {
  const retry = (left: number) => {
    if (left === 0) return;
    setTimeout(() => void remove().catch(() => retry(left - 1)), 2_000).unref();
  };
  await remove().catch(() => retry(60));
}

/** Datasets: upload (streamed, validated, profiled), list, read, delete. */
export class DatasetService {
  private readonly chunks: ChunkStore;
  private readonly typed: ColumnStore;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {
    this.chunks = new ChunkStore(db.pool);
    this.typed = new ColumnStore(db.pool);
  }

  /**
   * Streams the upload into Postgres piece by piece under a row marked `uploading`, which no
   * client sees; only a file that parsed completely becomes `ready`. Any failure deletes the
   * row and its pieces, so a bad upload leaves nothing behind.
   */
  async create(tenant: string, source: Readable, input: UploadInput): Promise<{ dataset: DatasetView; replayed: boolean }> {
    requireTenant(tenant);
    const quota = this.config.MAX_STORAGE_BYTES_PER_TENANT;
    const room = await remainingStorage(this.db.pool, tenant, quota, "upload refused");
    const byQuota = room < this.config.MAX_UPLOAD_BYTES;
    const staged = await this.db.dataset.create({
      data: { tenant, name: input.name, format: input.format, status: "uploading", rows: 0, sizeBytes: 0, sha256: "", columns: [] },
    });
    // A failed upload leaves nothing: its row (and, by cascade, its pieces) go. When Postgres is
    // what failed, the delete is tried again until it answers (sweepStaleUploads is the backstop).
    const discard = () => removeWhenReachable(() => this.db.dataset.deleteMany({ where: { id: staged.id } }));
    let result;
    try {
      result = await ingest(source, {
        format: input.format,
        delimiter: input.delimiter,
        limits: {
          maxBytes: Math.min(this.config.MAX_UPLOAD_BYTES, room),
          maxBytesName: byQuota ? `what is left of MAX_STORAGE_BYTES_PER_TENANT, ${quota} bytes` : "MAX_UPLOAD_BYTES",
          maxRows: this.config.MAX_ROWS,
          maxColumns: this.config.MAX_COLUMNS,
          maxCells: this.config.MAX_CELLS,
          maxLineBytes: this.config.MAX_LINE_BYTES,
          maxStoredBytes: room,
          maxStoredBytesName: `what is left of MAX_STORAGE_BYTES_PER_TENANT (${quota} bytes)`,
        },
        onChunk: (seq, bytes) => this.chunks.write(staged.id, seq, bytes),
        onColumns: (batch, rowStart, pieces) => this.typed.writeBatch(staged.id, batch, rowStart, pieces),
      });
    } catch (err) {
      await discard();
      throw err;
    }
    const { idempotencyKey } = input;
    const prior = idempotencyKey ? await this.byKey(tenant, idempotencyKey) : undefined;
    if (prior) {
      await discard();
      return { dataset: this.replay(prior, input.name, result.sha256), replayed: true };
    }
    try {
      // With pg: Prisma's query compiler spent 160 ms of the event loop on a 1,000-column profile.
      const updated = await this.db.pool.query<Dataset>(
        `UPDATE "Dataset" SET "status" = 'ready', "columnsStored" = true, "rows" = $2, "sizeBytes" = $3, "sha256" = $4, "delimiter" = $5, "columns" = $6::jsonb, "idempotencyKey" = $7 WHERE "id" = $1 RETURNING *`,
        [staged.id, result.rows, result.sizeBytes, result.sha256, result.delimiter ?? null, JSON.stringify(result.columns), idempotencyKey ?? null],
      );
      if (!updated.rows[0]) throw new AppError("conflict", "the upload was removed while it was being stored");
      return { dataset: toDatasetView(updated.rows[0]), replayed: false };
    } catch (err) {
      await discard();
      // Two requests with one Idempotency-Key raced: the loser answers with the winner's dataset.
      const winner = idempotencyKey && (err as { code?: string }).code === "23505" ? await this.byKey(tenant, idempotencyKey) : undefined;
      if (winner) return { dataset: this.replay(winner, input.name, result.sha256), replayed: true };
      throw err;
    }
  }

  private byKey(tenant: string, idempotencyKey: string) {
    return this.db.dataset.findFirst({ where: { tenant, idempotencyKey, status: "ready" } });
  }

  private replay(prior: Dataset, name: string, sha256: string): DatasetView {
    if (prior.sha256 !== sha256 || prior.name !== name) {
      throw new AppError("conflict", "this Idempotency-Key was used for a different upload");
    }
    return toDatasetView(prior);
  }

  /** Removes uploads a crashed API process left half-written. Returns how many. */
  async sweepStaleUploads(olderThanMs = STALE_UPLOAD_MS): Promise<number> {
    const { count } = await this.db.dataset.deleteMany({
      where: { status: "uploading", createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    });
    return count;
  }

  async list(tenant: string, q: PageQuery): Promise<Page<DatasetView>> {
    requireTenant(tenant);
    const rows = await this.db.dataset.findMany({ where: { tenant, status: "ready" }, ...pageArgs(q) });
    return toPage(rows, q, toDatasetView);
  }

  async get(tenant: string, id: string): Promise<DatasetView> {
    requireTenant(tenant);
    return toDatasetView(await this.find(tenant, id));
  }

  async find(tenant: string, id: string): Promise<Dataset> {
    requireTenant(tenant);
    const row = await this.db.dataset.findFirst({ where: { id, tenant, status: "ready" } });
    if (!row) throw new AppError("not_found", `dataset ${id} not found`);
    return row;
  }

  /** The original file, streamed from its stored pieces (two held at a time). */
  async download(tenant: string, id: string): Promise<{ dataset: Dataset; file: Readable }> {
    const dataset = await this.find(tenant, id);
    return { dataset, file: Readable.from(this.chunks.read(dataset.id), { objectMode: false }) };
  }

  /** Deletes the file; jobs and models trained on it stay (their datasetId becomes null). */
  async delete(tenant: string, id: string): Promise<void> {
    requireTenant(tenant);
    const { count } = await this.db.dataset.deleteMany({ where: { id, tenant, status: "ready" } });
    if (count === 0) throw new AppError("not_found", `dataset ${id} not found`);
  }

  /**
   * The dataset read back into columns (`only` those named; the first `maxRows` rows; numeric
   * columns as float64): from its typed column pieces where they give exactly what parsing the
   * text would (piecesServe), else from the stored file, its pieces fetched one at a time.
   * `storeColumns` (workers): an older dataset without pieces gets them now, for the next job.
   */
  async readTable(
    dataset: Dataset,
    opts: { only?: ReadonlySet<string>; valuesOnly?: ReadonlySet<string>; maxRows?: number; storeColumns?: boolean } = {},
  ): Promise<Table> {
    const profile = profilesOf(dataset);
    const names = profile.map((c) => c.name);
    const numeric = new Set(profile.filter((c) => c.type === "numeric").map((c) => c.name));
    const read = { ...opts, numeric };
    let stored = dataset.columnsStored;
    if (!stored && opts.storeColumns) stored = await this.storeColumns(dataset);
    const pieces = stored ? await this.servingPieces(dataset.id, names, read) : undefined;
    // `pieces` are already those of the columns the read wants (servingPieces).
    if (pieces) return readColumns({ columns: names, rows: dataset.rows, pieces: (_wanted, maxRows) => this.typed.read(dataset.id, pieces, maxRows) }, read);
    const chunks = this.chunks.read(dataset.id);
    try {
      return await readTable({ format: dataset.format as DatasetFormat, delimiter: dataset.delimiter, columns: names, rows: dataset.rows, chunks }, read);
    } finally {
      await chunks.return(undefined); // a sample stops early: end the generator
    }
  }

  /** The stored pieces of the columns a read wants, when they serve it exactly (piecesServe); else undefined. */
  private async servingPieces(datasetId: string, names: string[], read: { only?: ReadonlySet<string>; valuesOnly?: ReadonlySet<string> }) {
    const wanted = names.flatMap((n, i) => (read.only && !read.only.has(n) ? [] : [i]));
    const info = await this.typed.info(datasetId, wanted);
    const byColumn = new Map<number, PieceInfo[]>(wanted.map((i) => [i, []]));
    for (const p of info) byColumn.get(p.column)?.push(p);
    const serve = wanted.every((i) => piecesServe(byColumn.get(i)!, read.valuesOnly?.has(names[i]!) ?? false));
    return serve ? info : undefined;
  }

  /**
   * Stores the typed column pieces of a dataset uploaded before they existed: one pass over its
   * file. The parser takes records synchronously, so the batches it cuts are written before the
   * next stored piece of the file is fetched: a 1 MiB piece's rows at most wait in memory.
   * True once stored; false when the dataset went meanwhile.
   */
  private async storeColumns(dataset: Dataset): Promise<boolean> {
    const names = profilesOf(dataset).map((c) => c.name);
    const builder = new ColumnPieceBuilder();
    const pending: RowBatch[] = [];
    const flush = async () => {
      for (let b = pending.shift(); b; b = pending.shift()) await this.typed.writeBatch(dataset.id, b.batch, b.rowStart, encodeBatch(b));
    };
    const source = this.chunks.read(dataset.id);
    const paced = async function* () {
      try {
        for await (const chunk of source) {
          await flush();
          yield chunk;
        }
      } finally {
        await source.return(undefined);
      }
    };
    let header = dataset.format !== "csv";
    const file = { format: dataset.format as DatasetFormat, delimiter: dataset.delimiter, columns: names, chunks: paced() };
    await forEachRecord(file, (record) => {
      if (!header) return (header = true);
      builder.add(Array.isArray(record) ? record : names.map((n) => jsonField(ownField(record, n))));
      if (builder.full) pending.push(builder.take()!);
      return true;
    });
    const last = builder.take();
    if (last) pending.push(last);
    await flush();
    const { count } = await this.db.dataset.updateMany({ where: { id: dataset.id }, data: { columnsStored: true } });
    return count === 1;
  }
}
