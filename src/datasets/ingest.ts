import { createHash } from "node:crypto";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse, CsvError } from "csv-parse";
import { AppError } from "../errors.js";
import { jsonField, jsonLinesParser, ownField } from "../tables/jsonl.js";
import { lineLengthGuard } from "../tables/line-guard.js";
import { ColumnProfiler, DistinctBudget, type ColumnProfile } from "../tables/profile.js";
import { sniffDelimiter, type DatasetFormat } from "../tables/sniff.js";
import { Utf8Checker } from "./utf8.js";
import { ColumnPieceBuilder, encodeColumn, type ColumnPiece } from "../tables/column-pieces.js";

export interface IngestLimits {
  maxBytes: number;
  /** Which setting maxBytes comes from, for the message. Default MAX_UPLOAD_BYTES. */
  maxBytesName?: string;
  maxRows: number;
  maxColumns: number;
  /** Rows x columns: what reading the dataset back costs, whatever its shape. */
  maxCells: number;
  /** Longest physical line (a CSV record or a JSON object). */
  maxLineBytes: number;
  /** The file and its typed columns together (the tenant's storage left); default unbounded. */
  maxStoredBytes?: number;
  /** Which setting maxStoredBytes comes from, for the message. */
  maxStoredBytesName?: string;
}

export interface IngestOptions {
  limits: IngestLimits;
  format: DatasetFormat;
  /** CSV delimiter; sniffed from the header line when absent. */
  delimiter?: string;
  /** Stores one piece of the raw file (in order); awaited, so storage paces the upload. */
  onChunk(seq: number, bytes: Buffer): Promise<void>;
  /** Stores one batch of typed column pieces (column-pieces.ts); without it none are built. */
  onColumns?(batch: number, rowStart: number, pieces: ColumnPiece[]): Promise<void>;
  /** Cells per batch of typed pieces (default CELLS_PER_BATCH; tests make it small). */
  cellsPerBatch?: number;
  /** Distinct values all columns may keep together beyond each one's first 101 (DistinctBudget). Default 250,000. */
  distinctBudget?: number;
}

export interface IngestResult {
  columns: ColumnProfile[];
  rows: number;
  sizeBytes: number;
  sha256: string;
  delimiter?: string;
  /** Bytes of the typed column pieces stored (0 without onColumns). */
  columnBytes: number;
}

/** Size of the pieces the raw file is stored in. */
export const CHUNK_BYTES = 1024 * 1024;
/** Cells profiled between two turns of the event loop (a few ms of work). */
const YIELD_CELLS = 5_000;

export { csvOptions } from "../tables/csv-options.js";
import { csvOptions } from "../tables/csv-options.js";

/** Reads the first bytes (up to a line end or 64 KiB) and gives back a stream of all of them. */
async function peek(source: Readable): Promise<{ head: Buffer; stream: Readable }> {
  const it = source[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let size = 0;
  while (size < 65_536) {
    const next = await it.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    first.push(chunk);
    size += chunk.length;
    if (chunk.includes(10)) break;
  }
  async function* all() {
    yield* first;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value as Buffer;
  }
  return { head: Buffer.concat(first), stream: Readable.from(all(), { objectMode: false }) };
}

/**
 * Streams an upload once, in bounded memory: checks size and UTF-8, hashes it, hands it to
 * storage in CHUNK_BYTES pieces, parses it and profiles every column. Throws AppError naming
 * the line. What was stored is the caller's to discard when this throws.
 */
export async function ingest(source: Readable, opts: IngestOptions): Promise<IngestResult> {
  const { limits } = opts;
  const { head, stream } = await peek(source);
  const delimiter = opts.format === "csv" ? (opts.delimiter ?? sniffDelimiter(head.toString("utf8"))) : undefined;
  const hash = createHash("sha256");
  const utf8 = new Utf8Checker();
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let sizeBytes = 0;
  let seq = 0;
  /** Stores whole CHUNK_BYTES pieces (and, at the end, the rest). */
  const flush = async (final: boolean) => {
    if (pendingBytes === 0 || (!final && pendingBytes < CHUNK_BYTES)) return;
    let bytes = Buffer.concat(pending);
    while (bytes.length >= CHUNK_BYTES || (final && bytes.length > 0)) {
      await opts.onChunk(seq++, bytes.subarray(0, CHUNK_BYTES));
      bytes = bytes.subarray(CHUNK_BYTES);
    }
    pending = bytes.length ? [bytes] : [];
    pendingBytes = bytes.length;
  };
  const store = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sizeBytes += chunk.length;
      if (sizeBytes > limits.maxBytes)
        return done(
          new AppError("payload_too_large", `the file is larger than the limit of ${limits.maxBytes} bytes (${limits.maxBytesName ?? "MAX_UPLOAD_BYTES"})`),
        );
      const bad = utf8.push(chunk);
      if (bad) return done(new AppError("invalid_encoding", bad));
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < CHUNK_BYTES) return done(null, chunk);
      flush(false).then(() => done(null, chunk), done);
    },
    flush(done) {
      const bad = utf8.end();
      if (bad) return done(new AppError("invalid_encoding", bad));
      flush(true).then(() => done(), done);
    },
  });

  const budget = new DistinctBudget(opts.distinctBudget);
  let columnBytes = 0;
  const storeColumns = opts.onColumns;
  const typed = storeColumns && {
    builder: new ColumnPieceBuilder(opts.cellsPerBatch),
    /** Stores what the builder holds, within what the tenant may store (the file's bytes so far included). */
    store: async () => {
      const cut = typed!.builder.take();
      if (!cut) return;
      // A column of distinct strings takes tens of ms to encode: the loop is handed back between columns.
      const pieces: ColumnPiece[] = [];
      for (let c = 0, cells = 0; c < cut.width; c++) {
        pieces.push(encodeColumn(cut.rows, c));
        if ((cells += cut.rows.length) >= YIELD_CELLS * 8) await new Promise((r) => setImmediate(r, (cells = 0)));
      }
      columnBytes += pieces.reduce((n, p) => n + p.data.byteLength, 0);
      if (sizeBytes + columnBytes > (limits.maxStoredBytes ?? Infinity)) {
        throw new AppError(
          "payload_too_large",
          `the file (${sizeBytes} bytes so far) and its typed columns (${columnBytes} bytes) are more than ${limits.maxStoredBytesName ?? "the storage left"}, ${limits.maxStoredBytes} bytes`,
        );
      }
      await storeColumns(cut.batch, cut.rowStart, pieces);
    },
  };
  const sink = opts.format === "csv" ? new CsvProfileSink(limits, budget, typed) : new JsonProfileSink(limits, budget, typed);
  const parser = opts.format === "csv" ? parse({ ...csvOptions(delimiter!), max_record_size: limits.maxLineBytes }) : jsonLinesParser();
  try {
    await pipeline(stream, store, lineLengthGuard(limits.maxLineBytes), parser, sink.stream());
  } catch (err) {
    throw toAppError(err, limits);
  }
  const { columns, rows } = sink.result();
  return { columns, rows, sizeBytes, sha256: hash.digest("hex"), delimiter, columnBytes };
}

abstract class ProfileSink<R> {
  protected profilers: ColumnProfiler[] = [];
  protected rows = 0;
  /** `budget`: what all columns of this upload may keep of distinct values, together; `columns`: where typed pieces go. */
  constructor(
    protected readonly limits: IngestLimits,
    protected readonly budget: DistinctBudget,
    protected readonly columns?: { builder: ColumnPieceBuilder; store(): Promise<void> },
  ) {}
  protected abstract add(record: R): void;

  stream(): Writable {
    // A request whose bytes are already buffered flows through parsing and profiling in one
    // synchronous run (200+ ms for a 1,000-column file): the loop is handed back every YIELD_CELLS.
    let cells = 0;
    return new Writable({
      objectMode: true,
      write: (record: R, _enc, done) => {
        try {
          this.add(record);
          if (this.columns?.builder.full) return void this.columns.store().then(() => done(), done);
          cells += this.profilers.length;
          if (cells < YIELD_CELLS) return done();
          cells = 0;
          setImmediate(done);
        } catch (err) {
          done(err as Error);
        }
      },
      final: (done) => void (this.columns?.store() ?? Promise.resolve()).then(() => done(), done),
    });
  }

  protected countRow(): void {
    if (++this.rows > this.limits.maxRows) throw new AppError("payload_too_large", `the file has more than the limit of ${this.limits.maxRows} rows`);
    this.checkCells();
  }

  /** Rows x columns so far against MAX_CELLS (JSON Lines can add columns late, to every earlier row). */
  protected checkCells(): void {
    const cells = this.rows * this.profilers.length;
    if (cells > this.limits.maxCells) {
      throw new AppError(
        "payload_too_large",
        `line ${this.rows}: ${this.rows} rows x ${this.profilers.length} columns is more than the limit of ${this.limits.maxCells} cells (MAX_CELLS)`,
      );
    }
  }

  result(): { columns: ColumnProfile[]; rows: number } {
    if (this.profilers.length === 0) throw new AppError("malformed_csv", "the file is empty: expected a header line and data rows");
    if (this.rows === 0) throw new AppError("malformed_csv", "the file has a header (line 1) but no data rows");
    if (this.profilers.length < 2) throw new AppError("malformed_csv", "a dataset needs at least two columns (features and a target)");
    return { columns: this.profilers.map((p) => p.result()), rows: this.rows };
  }
}

/** CSV: the first record is the header; every later record has its length (csv-parse checks). */
class CsvProfileSink extends ProfileSink<string[]> {
  protected add(record: string[]): void {
    if (this.profilers.length === 0) {
      this.profilers = checkHeader(record, this.limits.maxColumns).map((name) => new ColumnProfiler(name, this.budget));
      return;
    }
    this.countRow();
    for (let i = 0; i < this.profilers.length; i++) this.profilers[i]!.add(record[i]!);
    this.columns?.builder.add(record);
  }
}

/** JSON Lines: columns are the union of keys, in order of first appearance; absent is missing. */
class JsonProfileSink extends ProfileSink<Record<string, unknown>> {
  private readonly index = new Map<string, number>();
  protected add(record: Record<string, unknown>): void {
    this.countRow();
    for (const key of Object.keys(record)) {
      if (this.index.has(key)) continue;
      if (this.index.size >= this.limits.maxColumns) {
        throw new AppError("payload_too_large", `line ${this.rows}: more than the limit of ${this.limits.maxColumns} distinct keys`);
      }
      const p = new ColumnProfiler(key, this.budget);
      p.addMissing(this.rows - 1); // absent from the earlier rows: counted, not replayed
      this.index.set(key, this.profilers.length);
      this.profilers.push(p);
      this.checkCells();
    }
    const fields = this.profilers.map((p) => jsonField(ownField(record, p.name)));
    for (let i = 0; i < fields.length; i++) this.profilers[i]!.add(fields[i]!);
    this.columns?.builder.add(fields);
  }
}

function checkHeader(record: string[], maxColumns: number): string[] {
  if (record.length > maxColumns) {
    throw new AppError("payload_too_large", `line 1: ${record.length} columns, more than the limit of ${maxColumns}`);
  }
  const names = record.map((n) => n.trim());
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === "") throw new AppError("malformed_csv", `line 1: column ${i + 1} has no name (is the header line missing?)`);
    const first = seen.get(name);
    if (first !== undefined) {
      throw new AppError("malformed_csv", `line 1: duplicate column name "${name}" (columns ${first + 1} and ${i + 1})`);
    }
    seen.set(name, i);
  });
  return names;
}

function toAppError(err: unknown, limits: IngestLimits): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof CsvError) {
    const e = err as CsvError & { lines?: number };
    const line = e.lines ?? "?";
    if (e.code === "CSV_MAX_RECORD_SIZE") {
      return new AppError("payload_too_large", `line ${line}: a field longer than the limit of ${limits.maxLineBytes} bytes (MAX_LINE_BYTES)`);
    }
    if (e.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
      return new AppError("malformed_csv", `line ${line}: ${e.message.replace(/ on line \d+$/, "")} (ragged row)`);
    }
    return new AppError("malformed_csv", `line ${line}: ${e.message}`);
  }
  const code = (err as { code?: string }).code;
  if (code === "FST_REQ_FILE_TOO_LARGE") return new AppError("payload_too_large", "the file is larger than the upload limit");
  return err;
}
