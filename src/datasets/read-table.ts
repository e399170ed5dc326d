import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import { csvOptions } from "./ingest.js";
import { jsonField, jsonLinesParser } from "./jsonl.js";
import type { DatasetFormat } from "./sniff.js";

/** A dataset read back into memory: header and rows of raw string fields. */
export interface Table {
  header: string[];
  rows: string[][];
}

export interface StoredFile {
  format: DatasetFormat;
  delimiter?: string | null;
  /** Column names in profile order (JSON Lines rows are laid out by them). */
  columns: string[];
  /** The stored pieces, in order, fetched one at a time. */
  chunks: AsyncIterable<Buffer>;
}

/** Stops the pipeline once a sample is complete. */
const ENOUGH = new Error("enough rows");

/** Parses a stored file back into a Table, streaming its pieces through the upload's parser. */
export async function readTable(file: StoredFile, maxRows = Infinity): Promise<Table> {
  const rows: string[][] = [];
  let header: string[] | undefined = file.format === "jsonl" ? file.columns : undefined;
  const parser = file.format === "csv" ? parse(csvOptions(file.delimiter ?? ",")) : jsonLinesParser();
  const collect = new Writable({
    objectMode: true,
    write(record: string[] | Record<string, unknown>, _enc, done) {
      if (Array.isArray(record)) {
        if (!header) header = record.map((h) => h.trim());
        else rows.push(record);
      } else rows.push(header!.map((name) => jsonField(record[name])));
      done(rows.length >= maxRows ? ENOUGH : undefined);
    },
  });
  try {
    await pipeline(Readable.from(file.chunks), parser, collect);
  } catch (err) {
    if (err !== ENOUGH) throw err;
  }
  return { header: header ?? [], rows };
}
