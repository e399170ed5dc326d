import type { Readable } from "node:stream";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { AppError } from "../errors.js";
import type { Dataset } from "../generated/prisma/client.js";
import { pageArgs, toPage, type Page, type PageQuery } from "../page.js";
import { ingestCsv } from "./csv-ingest.js";
import { readCsv, type Table } from "./csv-read.js";
import type { ColumnProfile } from "./profile.js";

export interface DatasetView {
  id: string;
  name: string;
  format: string;
  rows: number;
  sizeBytes: number;
  sha256: string;
  columns: ColumnProfile[];
  createdAt: string;
}

export function toDatasetView(d: Dataset): DatasetView {
  return {
    id: d.id,
    name: d.name,
    format: d.format,
    rows: d.rows,
    sizeBytes: d.sizeBytes,
    sha256: d.sha256,
    columns: d.columns as unknown as ColumnProfile[],
    createdAt: d.createdAt.toISOString(),
  };
}

/** Datasets: upload (streamed, validated, profiled), list, read, delete. */
export class DatasetService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {}

  /**
   * Reads the whole upload before writing anything, so a malformed or oversized file leaves no
   * trace; then stores the row and its chunks in one transaction.
   */
  async create(tenant: string, name: string, source: Readable, idempotencyKey?: string): Promise<{ dataset: DatasetView; replayed: boolean }> {
    const ingest = await ingestCsv(source, {
      maxBytes: this.config.MAX_UPLOAD_BYTES,
      maxRows: this.config.MAX_ROWS,
      maxColumns: this.config.MAX_COLUMNS,
    });
    if (idempotencyKey) {
      const prior = await this.db.dataset.findUnique({ where: { tenant_idempotencyKey: { tenant, idempotencyKey } } });
      if (prior) return { dataset: this.replay(prior, name, ingest.sha256), replayed: true };
    }
    try {
      const row = await this.db.$transaction(async (tx) => {
        const created = await tx.dataset.create({
          data: {
            tenant, name, format: "csv", rows: ingest.rows, sizeBytes: ingest.sizeBytes, sha256: ingest.sha256,
            columns: ingest.columns as object[], idempotencyKey,
          },
        });
        await tx.datasetChunk.createMany({ data: ingest.chunks.map((data, seq) => ({ datasetId: created.id, seq, data: new Uint8Array(data) })) });
        return created;
      });
      return { dataset: toDatasetView(row), replayed: false };
    } catch (err) {
      // Two requests with one Idempotency-Key raced: the loser answers with the winner's dataset.
      if (idempotencyKey && (err as { code?: string }).code === "P2002") {
        const prior = await this.db.dataset.findUnique({ where: { tenant_idempotencyKey: { tenant, idempotencyKey } } });
        if (prior) return { dataset: this.replay(prior, name, ingest.sha256), replayed: true };
      }
      throw err;
    }
  }

  private replay(prior: Dataset, name: string, sha256: string): DatasetView {
    if (prior.sha256 !== sha256 || prior.name !== name) {
      throw new AppError("conflict", "this Idempotency-Key was used for a different upload");
    }
    return toDatasetView(prior);
  }

  async list(tenant: string, q: PageQuery): Promise<Page<DatasetView>> {
    const rows = await this.db.dataset.findMany({ where: { tenant }, ...pageArgs(q) });
    return toPage(rows, q, toDatasetView);
  }

  async get(tenant: string, id: string): Promise<DatasetView> {
    return toDatasetView(await this.find(tenant, id));
  }

  async find(tenant: string, id: string): Promise<Dataset> {
    const row = await this.db.dataset.findFirst({ where: { id, tenant } });
    if (!row) throw new AppError("not_found", `dataset ${id} not found`);
    return row;
  }

  /** Deletes the file; jobs and models trained on it stay (their datasetId becomes null). */
  async delete(tenant: string, id: string): Promise<void> {
    const { count } = await this.db.dataset.deleteMany({ where: { id, tenant } });
    if (count === 0) throw new AppError("not_found", `dataset ${id} not found`);
  }

  /** The stored file parsed back into rows (worker side). */
  async readTable(id: string): Promise<Table> {
    const chunks = await this.db.datasetChunk.findMany({ where: { datasetId: id }, orderBy: { seq: "asc" } });
    return readCsv(Buffer.concat(chunks.map((c) => Buffer.from(c.data))));
  }
}
