import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readCsvRecords } from "./fast-csv.js";
import { jsonField, jsonLinesParser, ownField } from "./jsonl.js";
import { isMissing } from "./profile.js";
import type { DatasetFormat } from "./sniff.js";

/**
 * One column held compactly: canonical numbers as float64 (NaN for a missing value), anything
 * else as int32 codes into a dictionary of its distinct strings. A cell costs 8 or 4 bytes
 * instead of a string and a pointer (~40 bytes), so 2,000,000 x 20 fits in a few hundred MB.
 */
export interface TableColumn {
  /** The raw field of row i, as the file had it ("" when missing). */
  get(row: number): string;
  /** Row i as stored: a number (numeric storage), the text, or undefined for a missing number. */
  value(row: number): string | number | undefined;
  /** Every row's number (NaN when missing) when the column is stored as numbers; else undefined. Not to be written. */
  numbers?(): Float64Array | undefined;
}

/** A dataset read back into memory, column by column. */
export interface Table {
  header: string[];
  rowCount: number;
  /** Column by name; undefined for a column that was not asked for (or does not exist). */
  column(name: string): TableColumn | undefined;
  /** Memory the columns hold, roughly (for caches). */
  bytes: number;
}

export interface StoredFile {
  format: DatasetFormat;
  delimiter?: string | null;
  /** Column names in profile order (JSON Lines rows are laid out by them). */
  columns: string[];
  /** Rows the file has (from its profile): columns are allocated once at this size. */
  rows: number;
  /** The stored pieces, in order, fetched one at a time. */
  chunks: AsyncIterable<Buffer>;
}

/** Numbers whose text is their own String() ("3", "2.5", "-1e-7"): kept as float64 losslessly. */
const canonical = (s: string, x: number) => Number.isFinite(x) && String(x) === s;

class NumberOrCodeColumn implements TableColumn {
  private floats?: Float64Array;
  private codes?: Int32Array;
  private dictionary: string[] = [];
  private index = new Map<string, number>();

  /** valuesOnly: the column is read as numbers only (not as text), so no canonical check. */
  constructor(
    size: number,
    numeric: boolean,
    private readonly valuesOnly = false,
  ) {
    if (numeric || valuesOnly) this.floats = new Float64Array(size);
    else this.codes = new Int32Array(size);
  }

  set(row: number, raw: string): void {
    if (this.floats && this.valuesOnly) {
      // Number() trims as parseNumber does; "" is 0 to it, so missing is tested first.
      const x = raw === "" ? NaN : Number(raw);
      if (Number.isFinite(x)) return void (this.floats[row] = x);
      if (isMissing(raw)) return void (this.floats[row] = NaN);
      this.toCodes(row);
    } else if (this.floats) {
      const t = raw.trim();
      if (isMissing(t)) return void (this.floats[row] = NaN); // "", "NA", "?": all read as missing
      const x = Number(t);
      if (canonical(t, x) && t === raw) return void (this.floats[row] = x);
      this.toCodes(row);
    }
    let code = this.index.get(raw);
    if (code === undefined) {
      code = this.dictionary.length;
      this.dictionary.push(raw);
      this.index.set(raw, code);
    }
    this.codes![row] = code;
  }

  /** A value that is not a canonical number turns the column into codes (rows before it re-coded). */
  private toCodes(filled: number): void {
    const numbers = this.floats!;
    this.floats = undefined;
    this.codes = new Int32Array(numbers.length);
    for (let i = 0; i < filled; i++) this.set(i, Number.isNaN(numbers[i]!) ? "" : String(numbers[i]));
  }

  numbers(): Float64Array | undefined {
    return this.floats;
  }

  value(row: number): string | number | undefined {
    if (this.floats) {
      const x = this.floats[row]!;
      return Number.isNaN(x) ? undefined : x;
    }
    return this.dictionary[this.codes![row]!]!;
  }

  get(row: number): string {
    const v = this.value(row);
    return v === undefined ? "" : String(v);
  }

  /** Memory held: the typed array and the dictionary's strings (2 bytes a character, roughly). */
  get bytes(): number {
    return (this.floats?.byteLength ?? 0) + (this.codes?.byteLength ?? 0) + this.dictionary.reduce((n, d) => n + 40 + 2 * d.length, 0);
  }

  /** The lookup map is needed while reading only. */
  seal(): void {
    this.index = new Map();
  }
}

/** Stops the pipeline once a sample is complete. */
const ENOUGH = new Error("enough rows");

export interface ReadOptions {
  /** Read only these columns (the job's features, target and weight); default all. */
  only?: ReadonlySet<string>;
  /** Columns profiled numeric: stored as float64 while their text allows. */
  numeric?: ReadonlySet<string>;
  /**
   * Columns the caller reads as numbers only (numeric features, a regression target, weights):
   * float64 whatever the text's spelling ("0.50" is 0.5), without keeping the text.
   */
  valuesOnly?: ReadonlySet<string>;
  /** Stop after this many rows (a sample). */
  maxRows?: number;
}

/** Parses a stored file back into a columnar Table, streaming its pieces through the upload's parser. */
export async function readTable(file: StoredFile, opts: ReadOptions = {}): Promise<Table> {
  const size = Math.min(file.rows, opts.maxRows ?? Infinity);
  let header: string[] | undefined = file.format === "jsonl" ? file.columns : undefined;
  let slots: Array<NumberOrCodeColumn | undefined> = [];
  const layout = (names: string[]) => {
    header = names;
    slots = names.map((n) =>
      opts.only && !opts.only.has(n) ? undefined : new NumberOrCodeColumn(size, opts.numeric?.has(n) ?? false, opts.valuesOnly?.has(n) ?? false),
    );
  };
  if (header) layout(header);
  let row = 0;
  /** Takes one record; false once the sample is complete. */
  const take = (record: string[] | Record<string, unknown>): boolean => {
    if (Array.isArray(record) && !header) {
      layout(record.map((h) => h.trim()));
      return true;
    }
    if (row >= size) return false;
    if (Array.isArray(record)) {
      for (let i = 0; i < slots.length; i++) slots[i]?.set(row, record[i] ?? "");
    } else slots.forEach((c, i) => c?.set(row, jsonField(ownField(record, header![i]!))));
    row++;
    return row < size;
  };
  if (file.format === "csv") {
    await readCsvRecords(file.chunks, file.delimiter ?? ",", take);
  } else {
    const collect = new Writable({ objectMode: true, write: (record: Record<string, unknown>, _enc, done) => done(take(record) ? undefined : ENOUGH) });
    try {
      await pipeline(Readable.from(file.chunks), jsonLinesParser(), collect);
    } catch (err) {
      if (err !== ENOUGH) throw err;
    }
  }
  slots.forEach((c) => c?.seal());
  const names = header ?? [];
  const byName = new Map(names.map((n, i) => [n, slots[i]]));
  return { header: names, rowCount: row, column: (name) => byName.get(name), bytes: slots.reduce((n, c) => n + (c?.bytes ?? 0), 0) };
}

/** A Table over rows already in memory (unit tests, small samples). */
export function tableFromRows(header: string[], rows: string[][], numeric: ReadonlySet<string> = new Set()): Table {
  const columns = header.map((name, c) => {
    const column = new NumberOrCodeColumn(rows.length, numeric.has(name));
    rows.forEach((r, i) => column.set(i, r[c] ?? ""));
    column.seal();
    return column;
  });
  const byName = new Map(header.map((n, i) => [n, columns[i]]));
  return { header, rowCount: rows.length, column: (name) => byName.get(name), bytes: columns.reduce((n, c) => n + c.bytes, 0) };
}

/** Every row as fields, in header order (tests and small samples only: this is the expensive layout). */
export function tableRows(table: Table): string[][] {
  const columns = table.header.map((n) => table.column(n));
  return Array.from({ length: table.rowCount }, (_, i) => columns.map((c) => c?.get(i) ?? ""));
}
