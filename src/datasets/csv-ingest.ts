import { createHash } from "node:crypto";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse, CsvError } from "csv-parse";
import { AppError } from "../errors.js";
import { ColumnProfiler, type ColumnProfile } from "./profile.js";

export interface IngestLimits {
  maxBytes: number;
  maxRows: number;
  maxColumns: number;
}

export interface IngestResult {
  columns: ColumnProfile[];
  rows: number;
  sizeBytes: number;
  sha256: string;
  /** The raw bytes, in pieces of about CHUNK_BYTES, ready to store. */
  chunks: Buffer[];
}

const CHUNK_BYTES = 4 * 1024 * 1024;

/** csv-parse options shared by ingestion and by the worker reading a stored file back. */
export const CSV_OPTIONS = {
  bom: true,
  skip_empty_lines: true,
  trim: false,
  relax_quotes: false,
} as const;

/**
 * Streams a CSV once: keeps its bytes (in chunks), hashes it, and profiles every column, so a
 * bad file is refused before anything is written. Throws AppError naming the line.
 */
export async function ingestCsv(source: Readable, limits: IngestLimits): Promise<IngestResult> {
  const hash = createHash("sha256");
  const chunks: Buffer[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let sizeBytes = 0;
  const keep = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sizeBytes += chunk.length;
      if (sizeBytes > limits.maxBytes) {
        done(new AppError("payload_too_large", `the file is larger than the limit of ${limits.maxBytes} bytes`));
        return;
      }
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= CHUNK_BYTES) {
        chunks.push(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
      }
      done(null, chunk);
    },
  });

  let header: string[] | undefined;
  let profilers: ColumnProfiler[] = [];
  let rows = 0;
  const profile = new Transform({
    objectMode: true,
    transform(record: string[], _enc, done) {
      if (!header) {
        try {
          header = checkHeader(record, limits.maxColumns);
        } catch (err) {
          done(err as Error);
          return;
        }
        profilers = header.map((name) => new ColumnProfiler(name));
        done();
        return;
      }
      rows++;
      if (rows > limits.maxRows) {
        done(new AppError("payload_too_large", `the file has more than the limit of ${limits.maxRows} rows`));
        return;
      }
      for (let i = 0; i < profilers.length; i++) profilers[i]!.add(record[i]!);
      done();
    },
  });

  try {
    await pipeline(source, keep, parse(CSV_OPTIONS), profile);
  } catch (err) {
    throw toAppError(err);
  }
  if (pendingBytes > 0) chunks.push(Buffer.concat(pending));
  if (!header) throw new AppError("malformed_csv", "the file is empty: expected a header line and data rows");
  if (rows === 0) throw new AppError("malformed_csv", "the file has a header (line 1) but no data rows");
  return { columns: profilers.map((p) => p.result()), rows, sizeBytes, sha256: hash.digest("hex"), chunks };
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
  if (names.length < 2) throw new AppError("malformed_csv", "line 1: a dataset needs at least two columns (features and a target)");
  return names;
}

function toAppError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof CsvError) {
    const e = err as CsvError & { lines?: number; record?: unknown };
    const line = e.lines ?? "?";
    if (e.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
      return new AppError("malformed_csv", `line ${line}: ${e.message.replace(/ on line \d+$/, "")} (ragged row)`);
    }
    return new AppError("malformed_csv", `line ${line}: ${e.message}`);
  }
  const code = (err as { code?: string }).code;
  if (code === "FST_REQ_FILE_TOO_LARGE") return new AppError("payload_too_large", "the file is larger than the upload limit");
  return err;
}
