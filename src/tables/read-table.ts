import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readCsvRecords } from "./fast-csv.js";
import { jsonField, jsonLinesParser, ownField } from "./jsonl.js";
import { decodePiece } from "./column-pieces.js";
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

  /** Rows from `rowStart` on, from a stored values piece (column-pieces.ts): copied while numeric, else as their text. */
  setValues(rowStart: number, floats: Float64Array): void {
    const n = Math.min(floats.length, this.size - rowStart);
    if (this.floats) return this.floats.set(n === floats.length ? floats : floats.subarray(0, n), rowStart);
    for (let i = 0; i < n; i++) this.set(rowStart + i, Number.isNaN(floats[i]!) ? "" : String(floats[i]));
  }

  /** Rows from `rowStart` on, from a stored text piece: each raw field as the file had it. */
  setText(rowStart: number, dictionary: string[], codes: ArrayLike<number>): void {
    const n = Math.min(codes.length, this.size - rowStart);
    for (let i = 0; i < n; i++) this.set(rowStart + i, dictionary[codes[i]!]!);
  }

  private get size(): number {
    return (this.floats ?? this.codes)!.length;
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

/** Every record of a stored file in order (the CSV header first, as fields); `take` returns false to stop. */
export async function forEachRecord(file: Omit<StoredFile, "rows">, take: (record: string[] | Record<string, unknown>) => boolean): Promise<void> {
  if (file.format === "csv") return readCsvRecords(file.chunks, file.delimiter ?? ",", take);
  const collect = new Writable({ objectMode: true, write: (record: Record<string, unknown>, _enc, done) => done(take(record) ? undefined : ENOUGH) });
  try {
    await pipeline(Readable.from(file.chunks), jsonLinesParser(), collect);
  } catch (err) {
    if (err !== ENOUGH) throw err;
  }
}

/** Parses a stored file back into a columnar Table, streaming its pieces through the upload's parser. */
export async function readTable(file: StoredFile, opts: ReadOptions = {}): Promise<Table> {
  const size = Math.min(file.rows, opts.maxRows ?? Infinity);
  let header: string[] | undefined = file.format === "jsonl" ? file.columns : undefined;
  let slots: Array<NumberOrCodeColumn | undefined> = [];
  const layout = (names: string[]) => {
    header = names;
    slots = names.map((n) => (opts.only && !opts.only.has(n) ? undefined : newColumn(n, size, opts)));
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
  await forEachRecord(file, take);
  return sealed(header ?? [], row, slots);
}

const newColumn = (name: string, size: number, opts: ReadOptions) =>
  new NumberOrCodeColumn(size, opts.numeric?.has(name) ?? false, opts.valuesOnly?.has(name) ?? false);

function sealed(names: string[], rowCount: number, slots: Array<NumberOrCodeColumn | undefined>): Table {
  slots.forEach((c) => c?.seal());
  const byName = new Map(names.map((n, i) => [n, slots[i]]));
  return { header: names, rowCount, column: (name) => byName.get(name), bytes: slots.reduce((n, c) => n + (c?.bytes ?? 0), 0) };
}

/** Cells decoded from typed pieces between two turns of the event loop (a few ms of work). */
const YIELD_CELLS = 65_536;

/** A dataset stored as typed columns (column-pieces.ts). */
export interface StoredColumns {
  /** Column names in profile order: pieces are numbered by it. */
  columns: string[];
  rows: number;
  /** The pieces of these columns that start before `maxRows`, by column, then in row order. */
  pieces(columns: number[], maxRows: number): AsyncIterable<{ column: number; rowStart: number; data: Uint8Array }>;
}

/**
 * The same Table readTable builds from the text, from stored column pieces: numbers are copied,
 * text goes through the same `set` as a parsed field. The caller checks first that the pieces
 * can serve the read (piecesServe): a non-canonical number's text is not stored.
 */
export async function readColumns(stored: StoredColumns, opts: ReadOptions = {}): Promise<Table> {
  const size = Math.min(stored.rows, opts.maxRows ?? Infinity);
  const slots = stored.columns.map((n) => (opts.only && !opts.only.has(n) ? undefined : newColumn(n, size, opts)));
  const wanted = slots.flatMap((c, i) => (c ? [i] : []));
  /** Per column, the first row no piece has filled yet. */
  const next = new Map(wanted.map((c) => [c, 0]));
  // Rows no piece holds are missing: before a JSON Lines key's first row, and after a column's last piece.
  const fill = (c: number, to: number) => {
    for (let row = next.get(c)!; row < to; row++) slots[c]!.set(row, "");
  };
  // The API reads samples this way (the leak check, up to 1M cells): the loop is handed back every
  // YIELD_CELLS, as the text reader's awaits between stored pieces did.
  let cells = 0;
  for await (const { column: c, rowStart, data } of stored.pieces(wanted, size)) {
    const column = slots[c]!;
    fill(c, rowStart);
    const piece = decodePiece(data);
    const length = piece.kind === "values" ? piece.floats.length : piece.codes.length;
    if (piece.kind === "values") column.setValues(rowStart, piece.floats);
    else column.setText(rowStart, piece.dictionary, piece.codes);
    next.set(c, Math.min(size, rowStart + length));
    if ((cells += length) >= YIELD_CELLS) await new Promise((r) => setImmediate(r, (cells = 0)));
  }
  for (const c of wanted) fill(c, size);
  return sealed(stored.columns, size, slots);
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
