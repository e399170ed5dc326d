import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { ingest } from "./ingest.js";
import { readColumns, readTable, type ReadOptions, type Table } from "../tables/read-table.js";
import { decodePiece, encodeColumn, piecesServe, type ColumnPiece } from "../tables/column-pieces.js";
import type { DatasetFormat } from "../tables/sniff.js";

const limits = { maxBytes: 1e9, maxRows: 1e7, maxColumns: 100, maxCells: 1e9, maxLineBytes: 1e6 };

/** Uploads `text` through ingest (which builds the typed pieces beside the raw ones). */
async function upload(text: string, format: DatasetFormat = "csv", cellsPerBatch = 4096) {
  const raw: Buffer[] = [];
  const pieces: Array<ColumnPiece & { rowStart: number; batch: number }> = [];
  const result = await ingest(Readable.from([Buffer.from(text)]), {
    format,
    limits,
    cellsPerBatch,
    onChunk: async (seq, b) => void (raw[seq] = b),
    onColumns: async (batch, rowStart, ps) => void pieces.push(...ps.map((p) => ({ ...p, batch, rowStart }))),
  });
  const names = result.columns.map((c) => c.name);
  const numeric = new Set(result.columns.filter((c) => c.type === "numeric").map((c) => c.name));
  const fromText = (opts: ReadOptions) =>
    readTable({ format, delimiter: result.delimiter, columns: names, rows: result.rows, chunks: Readable.from(raw) }, { ...opts, numeric });
  const fromPieces = (opts: ReadOptions) =>
    readColumns(
      {
        columns: names,
        rows: result.rows,
        pieces: (columns, maxRows) =>
          Readable.from(pieces.filter((p) => columns.includes(p.column) && p.rowStart < maxRows).sort((a, b) => a.column - b.column || a.batch - b.batch)),
      },
      { ...opts, numeric },
    );
  const serves = (name: string, valuesOnly: boolean) =>
    piecesServe(
      pieces.filter((p) => p.column === names.indexOf(name)),
      valuesOnly,
    );
  return { result, names, pieces, fromText, fromPieces, serves };
}

/** Every column's every accessor, as a plain value. */
function dump(t: Table) {
  return Object.fromEntries(
    t.header.map((n) => {
      const c = t.column(n);
      if (!c) return [n, null];
      const rows = Array.from({ length: t.rowCount }, (_, i) => [c.get(i), c.value(i)]);
      return [n, { rows, numbers: c.numbers?.() ? [...c.numbers()!] : undefined }];
    }),
  );
}

/** 3,000 rows: canonical numbers, spelled numbers, missing tokens, labels, a column that turns to text late. */
function tricky(): string {
  const lines = ["id,x,spelled,na,label,late,flag"];
  for (let i = 0; i < 3000; i++) {
    const spelled = (i % 7) / 4;
    lines.push(
      [
        i,
        (i * 0.37 - 100).toString(),
        spelled.toFixed(2),
        i % 11 === 0 ? "NA" : String(i % 5),
        `c${i % 3}`,
        i === 2500 ? "oops" : String(i),
        i % 2 ? "true" : "",
      ].join(","),
    );
  }
  return lines.join("\n") + "\n";
}

describe("typed columns (issue 22)", () => {
  it("are cut into batches at upload, one Arrow piece per column, numbers as float64 and text as a dictionary", async () => {
    const { pieces, names, result } = await upload(tricky());
    assert.ok(new Set(pieces.map((p) => p.batch)).size >= 1);
    assert.equal(pieces.filter((p) => p.batch === 0).length, names.length, "every column has a piece in a batch");
    const x = decodePiece(pieces.find((p) => p.column === 1)!.data);
    assert.equal(x.kind, "values");
    assert.equal(x.kind === "values" && x.floats[2], 2 * 0.37 - 100);
    const label = decodePiece(pieces.find((p) => p.column === 4)!.data);
    assert.equal(label.kind, "text");
    assert.deepEqual(label.kind === "text" && label.dictionary, ["c0", "c1", "c2"]);
    assert.ok(result.columnBytes > 3000 * 8, `column bytes counted: ${result.columnBytes}`);
  });

  it("read back exactly what parsing the text gives, wherever they serve the read", async () => {
    const u = await upload(tricky());
    // Text reads of "0.25"-style numbers and "NA" need the file's text: the pieces say they cannot serve them.
    assert.equal(u.serves("spelled", false), false);
    assert.equal(u.serves("na", false), false);
    assert.equal(u.serves("spelled", true), true, "as numbers they serve");
    assert.equal(u.serves("label", false), true);
    for (const opts of [
      { only: new Set(["id", "x", "label", "late", "flag"]) },
      { only: new Set(["id", "x", "spelled", "na", "label", "late", "flag"]), valuesOnly: new Set(["x", "spelled", "na", "late"]) },
      { only: new Set(["x", "label"]), maxRows: 1234 },
    ] as ReadOptions[]) {
      for (const name of opts.only!) assert.ok(u.serves(name, opts.valuesOnly?.has(name) ?? false), `${name} is served`);
      assert.deepEqual(dump(await u.fromPieces(opts)), dump(await u.fromText(opts)), JSON.stringify([...opts.only!]));
    }
  });

  it("give back every number bit for bit, short decimals stored as scaled integers (1-4 bytes a cell)", () => {
    let seed = 5;
    const r = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31; // an LCG: any spread of digits will do
    const columns: Record<string, (i: number) => string> = {
      prices: (i) => (r() * 500).toFixed(2),
      spelled: (i) => (i % 9 === 0 ? "NA" : (r() * 2 - 1).toFixed(5)),
      tiny: (i) => String(i % 100),
      doubles: () => String(r() * 1e6 - 5e5),
      huge: (i) => (i % 2 ? "1e300" : "-2.5e-300"),
      negativeZero: (i) => (i === 3 ? "-0" : "1.5"),
    };
    const names = Object.keys(columns);
    const rows = Array.from({ length: 5000 }, (_, i) => names.map((n) => columns[n]!(i)));
    const bytesPerCell: Record<string, number> = {};
    names.forEach((name, c) => {
      const piece = encodeColumn(rows, c);
      const back = decodePiece(piece.data);
      assert.equal(back.kind, "values", name);
      const floats = back.kind === "values" ? back.floats : new Float64Array();
      rows.forEach((row, i) => {
        const want = row[c] === "NA" ? NaN : Number(row[c]);
        assert.ok(Object.is(floats[i], want), `${name} row ${i}: ${row[c]} came back as ${floats[i]}`);
      });
      bytesPerCell[name] = piece.data.byteLength / rows.length;
    });
    assert.ok(bytesPerCell.prices! <= 4.2 && bytesPerCell.spelled! <= 4.3 && bytesPerCell.tiny! <= 1.2, JSON.stringify(bytesPerCell));
    assert.ok(bytesPerCell.doubles! >= 8, "other doubles stay float64");
  });

  it("fill a JSON Lines key that appears late as missing in the rows before it", async () => {
    const rows = Array.from({ length: 15_000 }, (_, i) => JSON.stringify(i < 14_000 ? { a: i, b: `t${i % 4}` } : { a: i, b: "t9", c: i / 2 }));
    const u = await upload(rows.join("\n") + "\n", "jsonl");
    assert.ok(new Set(u.pieces.map((p) => p.batch)).size > 1, "several batches");
    assert.equal(u.pieces.filter((p) => p.column === 2).length < u.pieces.filter((p) => p.column === 0).length, true, "c starts late");
    const opts = { only: new Set(["a", "b", "c"]), valuesOnly: new Set(["a", "c"]) };
    const [text, typed] = [await u.fromText(opts), await u.fromPieces(opts)];
    assert.deepEqual(dump(typed), dump(text));
    const c = typed.column("c")!.numbers!()!;
    assert.ok(Number.isNaN(c[10]!) && c[14_002] === 7_001);
  });
});
