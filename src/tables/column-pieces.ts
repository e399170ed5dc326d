import {
  Dictionary,
  Field,
  Int8,
  Int16,
  Int32,
  RecordBatch,
  Schema,
  Struct,
  Table as ArrowTable,
  Utf8,
  Vector,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  type Data,
} from "apache-arrow";
import { isMissing } from "./profile.js";

/**
 * A dataset stored as typed columns: rows are cut into batches, and each column of a batch is one
 * piece, an Arrow IPC stream holding one vector. A job then reads only the columns it uses, with
 * no text to parse (issue 22: re-parsing a 16 MB CSV cost 0.45-0.6 s per first job).
 *
 * A piece is either
 * - `values`: every field a finite number (as `Number()` reads it) or missing, in the narrowest
 *   exact type (encodeValues). `canonical` says every number's text was its own `String()` and
 *   every missing field empty, so the text can be rebuilt exactly; otherwise ("0.50", "NA") the
 *   piece serves number reads only;
 * - `text`: a dictionary of the raw fields (Utf8, with 8/16/32-bit indices), for anything else.
 */
export interface ColumnPiece {
  column: number;
  kind: "values" | "text";
  canonical: boolean;
  data: Uint8Array;
}

export type DecodedPiece = { kind: "values"; floats: Float64Array } | { kind: "text"; dictionary: string[]; codes: ArrayLike<number> };

/** Cells a batch holds before it is cut into pieces: ~1M strings held (~40 MB), ~8 MB of float64 out; fewer pieces read faster. */
export const CELLS_PER_BATCH = 1_048_576;

/** Rows a batch holds at most: one column's piece (a dictionary of as many distinct strings) encodes in ~50 ms. */
export const ROWS_PER_BATCH = 65_536;

/** Rows as fields (header order) in, one batch of rows out every CELLS_PER_BATCH cells. */
export class ColumnPieceBuilder {
  private rows: string[][] = [];
  private cells = 0;
  /** Rows already taken (the next batch's first row). */
  private rowStart = 0;
  private batch = 0;

  constructor(private readonly cellsPerBatch = CELLS_PER_BATCH) {}

  /** One row's fields, by column index (a JSON Lines row may be shorter than later ones). */
  add(fields: string[]): void {
    this.rows.push(fields);
    this.cells += fields.length;
  }

  get full(): boolean {
    return this.cells >= this.cellsPerBatch || this.rows.length >= ROWS_PER_BATCH;
  }

  /** The rows held, as the next batch (none when no row is held): encodeColumn cuts its pieces. */
  take(): RowBatch | undefined {
    if (this.rows.length === 0) return undefined;
    const rows = this.rows;
    const out = { batch: this.batch++, rowStart: this.rowStart, rows, width: rows.reduce((w, r) => Math.max(w, r.length), 0) };
    this.rowStart += rows.length;
    this.rows = [];
    this.cells = 0;
    return out;
  }
}

export interface RowBatch {
  batch: number;
  rowStart: number;
  rows: string[][];
  /** Columns the batch has (a JSON Lines key seen later is not in it). */
  width: number;
}

/** Every column's piece of a batch at once (the worker's conversion; the upload yields between columns). */
export const encodeBatch = (b: RowBatch): ColumnPiece[] => Array.from({ length: b.width }, (_, c) => encodeColumn(b.rows, c));

/** One column of a batch as its piece, in the narrowest exact Arrow type. */
export function encodeColumn(rows: string[][], column: number): ColumnPiece {
  const floats = new Float64Array(rows.length);
  let canonical = true;
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i]![column] ?? "";
    if (raw === "") {
      floats[i] = NaN;
      continue;
    }
    const x = Number(raw);
    if (Number.isFinite(x)) {
      floats[i] = x;
      if (canonical && String(x) !== raw) canonical = false;
    } else if (isMissing(raw)) {
      floats[i] = NaN;
      canonical = false;
    } else return { column, kind: "text", canonical: true, data: encodeText(rows, column) };
  }
  return { column, kind: "values", canonical, data: encodeValues(floats) };
}

/** One vector as an Arrow IPC stream; `metadata` goes on its field. */
function ipc(data: Data, metadata?: Map<string, string>): Uint8Array {
  const schema = new Schema([new Field("v", data.type, true, metadata)]);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: data.length, children: [data], nullCount: 0 }));
  return tableToIPC(new ArrowTable(schema, [batch]), "stream");
}

/** The field metadata key of a values piece stored as integers: value = integer / 10^scale. */
const SCALE = "treino.decimalScale";
/** Decimal places tried: 10^9 times a value must still fit int32, and divide back exactly. */
const MAX_SCALE = 9;

/**
 * Numbers in the narrowest exact Arrow type. Most tables' numbers are short decimals ("7.25",
 * "-0.12340"): as integers over a power of ten (Int8/16/32, the scale in the field's metadata,
 * missing as nulls) they cost 1-4 bytes a cell instead of 8, and `k / 10^s` gives back the very
 * double `Number(text)` gave, since both are the correctly rounded value of the same decimal.
 * Else Float32 when every value fits it exactly, else Float64.
 */
function encodeValues(x: Float64Array): Uint8Array {
  const scale = decimalScale(x);
  if (scale === undefined) {
    const single = x.every((v) => Number.isNaN(v) || Math.fround(v) === v);
    return ipc(makeVector(single ? Float32Array.from(x) : x).data[0]!);
  }
  const p = 10 ** scale;
  let min = 0,
    max = 0,
    missing = 0;
  const valid = new Uint8Array((x.length + 7) >> 3);
  const k = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]!)) {
      missing++;
      continue;
    }
    valid[i >> 3]! |= 1 << (i & 7);
    k[i] = Math.round(x[i]! * p);
    if (k[i]! < min) min = k[i]!;
    if (k[i]! > max) max = k[i]!;
  }
  const [ints, type] = smallestInts(k, min, max);
  const data = makeData({ type, length: x.length, data: ints as Int32Array, nullCount: missing, ...(missing ? { nullBitmap: valid } : {}) });
  return ipc(data, new Map([[SCALE, String(scale)]]));
}

/** The fewest decimal places (0-9) that hold every value exactly as an int32 over 10^places; undefined when none do (or for -0). */
function decimalScale(x: Float64Array): number | undefined {
  let scale = 0;
  const exact = (v: number, s: number) => {
    const k = Math.round(v * 10 ** s);
    return Math.abs(k) < 2 ** 31 && k / 10 ** s === v;
  };
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) continue;
    if (Object.is(v, -0)) return undefined;
    while (!exact(v, scale)) if (++scale > MAX_SCALE) return undefined;
  }
  // A value that was exact at a smaller scale is checked again at the final one.
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!) && !exact(x[i]!, scale)) return undefined;
  return scale;
}

/** Integers within [min, max] in the narrowest of Int8/16/32, with their Arrow type. */
function smallestInts(values: ArrayLike<number>, min: number, max: number): [Int8Array | Int16Array | Int32Array, Int8 | Int16 | Int32] {
  if (min >= -128 && max <= 127) return [Int8Array.from(values), new Int8()];
  if (min >= -32_768 && max <= 32_767) return [Int16Array.from(values), new Int16()];
  return [values instanceof Int32Array ? values : Int32Array.from(values), new Int32()];
}

function encodeText(rows: string[][], column: number): Uint8Array {
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i]![column] ?? "";
    let code = index.get(raw);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(raw);
      index.set(raw, code);
    }
    codes[i] = code;
  }
  const [indices, type] = smallestInts(codes, 0, dictionary.length - 1);
  return ipc(
    makeData({
      type: new Dictionary(new Utf8(), type, 0 /* every piece is its own stream: a fixed id keeps its bytes the same */),
      length: rows.length,
      data: indices,
      dictionary: utf8Vector(dictionary),
    }),
  );
}

/** Strings as an Arrow Utf8 vector, written by Buffer (apache-arrow's own builder is ~10x slower on many distinct strings). */
function utf8Vector(strings: string[]): Vector<Utf8> {
  const offsets = new Int32Array(strings.length + 1);
  for (let i = 0; i < strings.length; i++) offsets[i + 1] = offsets[i]! + Buffer.byteLength(strings[i]!);
  const bytes = Buffer.allocUnsafe(offsets[strings.length]!);
  for (let i = 0; i < strings.length; i++) bytes.write(strings[i]!, offsets[i]!);
  return new Vector([makeData({ type: new Utf8(), length: strings.length, valueOffsets: offsets, data: bytes })]);
}

/** A stored piece back as numbers or as codes into its dictionary. */
export function decodePiece(bytes: Uint8Array): DecodedPiece {
  let table: ReturnType<typeof tableFromIPC>;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new Error(`a stored column piece cannot be read (damaged storage?): ${(err as Error).message}`);
  }
  const vector = table.getChildAt(0);
  const data = vector?.data[0];
  if (!vector || !data || vector.data.length !== 1) throw new Error("a column piece holds one vector of one batch");
  if (data.dictionary) return { kind: "text", dictionary: data.dictionary.toArray() as string[], codes: data.values as ArrayLike<number> };
  const values = (data.values as Float64Array | Float32Array | Int32Array | Int16Array | Int8Array).subarray(0, data.length);
  const scale = Number(table.schema.fields[0]!.metadata.get(SCALE) ?? NaN);
  if (Number.isNaN(scale)) return { kind: "values", floats: values instanceof Float64Array ? values : Float64Array.from(values) };
  const p = 10 ** scale;
  const floats = new Float64Array(data.length);
  const valid = data.nullCount > 0 ? data.nullBitmap : undefined;
  for (let i = 0; i < floats.length; i++) floats[i] = valid && !(valid[i >> 3]! & (1 << (i & 7))) ? NaN : values[i]! / p;
  return { kind: "values", floats };
}

/**
 * Whether a column's stored pieces give exactly what parsing its text would: always for number
 * reads of numbers, and for text reads unless a number's text was not its own String() ("0.50",
 * "NA" as missing), which only the original file still has.
 */
export function piecesServe(pieces: ReadonlyArray<Pick<ColumnPiece, "kind" | "canonical">>, valuesOnly: boolean): boolean {
  const lossy = pieces.some((p) => p.kind === "values" && !p.canonical);
  return !lossy || (valuesOnly && pieces.every((p) => p.kind === "values"));
}
