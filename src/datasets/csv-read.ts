import { parse } from "csv-parse/sync";
import { CSV_OPTIONS } from "./csv-ingest.js";

/** A dataset read back into memory: header and rows of raw string fields. */
export interface Table {
  header: string[];
  rows: string[][];
}

/** Parses a stored (already validated) CSV into a Table. */
export function readCsv(bytes: Buffer): Table {
  const records = parse(bytes, CSV_OPTIONS) as string[][];
  const [header, ...rows] = records;
  return { header: (header ?? []).map((h) => h.trim()), rows };
}
