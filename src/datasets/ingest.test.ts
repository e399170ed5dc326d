import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { ingest, CHUNK_BYTES } from "./ingest.js";
import { readTable, tableRows } from "../tables/read-table.js";
import type { DatasetFormat } from "../tables/sniff.js";

const limits = { maxBytes: 1e9, maxRows: 1e7, maxColumns: 100, maxCells: 1e9, maxLineBytes: 1e6 };

async function roundTrip(text: string | Buffer, format: DatasetFormat = "csv", delimiter?: string) {
  const stored: Buffer[] = [];
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  // Feed it in small pieces so that records straddle chunks.
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    })(),
  );
  const result = await ingest(source, { format, delimiter, limits, onChunk: async (seq, b) => void (stored[seq] = b) });
  assert.deepEqual(Buffer.concat(stored), bytes, "the stored pieces are the file");
  const numeric = new Set(result.columns.filter((c) => c.type === "numeric").map((c) => c.name));
  const read = await readTable(
    { format, delimiter: result.delimiter, columns: result.columns.map((c) => c.name), rows: result.rows, chunks: Readable.from(stored) },
    { numeric },
  );
  return { result, table: { header: read.header, rows: tableRows(read) } };
}

describe("ingest", () => {
  it("reads quoted fields with embedded newlines and a BOM", async () => {
    const { result, table } = await roundTrip('\uFEFFid,comment,score\n1,"two\nlines, and a comma",3.5\n2,"say ""hi""",4\n');
    assert.equal(result.rows, 2);
    assert.deepEqual(table.header, ["id", "comment", "score"]);
    assert.deepEqual(table.rows[0], ["1", "two\nlines, and a comma", "3.5"]);
    assert.deepEqual(table.rows[1], ["2", 'say "hi"', "4"]);
  });

  it("sniffs ; and tab delimiters, and takes a given one", async () => {
    const semi = await roundTrip("a;b;c\n1,5;2;x\n3,5;4;y\n");
    assert.equal(semi.result.delimiter, ";");
    assert.deepEqual(semi.table.rows[0], ["1,5", "2", "x"]);
    const tab = await roundTrip("a\tb\n1\t2\n");
    assert.equal(tab.result.delimiter, "\t");
    const given = await roundTrip("a|b\n1|2\n", "csv", "|");
    assert.deepEqual(given.table.rows[0], ["1", "2"]);
  });

  it("reads JSON Lines: columns are the union of keys, absent keys are missing", async () => {
    const { result, table } = await roundTrip('{"x": 1, "y": "a"}\n\n{"x": 2.5, "z": true}\n{"y": null, "x": 3}\n', "jsonl");
    assert.equal(result.rows, 3);
    assert.deepEqual(
      result.columns.map((c) => [c.name, c.type, c.missing]),
      [
        ["x", "numeric", 0],
        ["y", "categorical", 2],
        ["z", "boolean", 2],
      ],
    );
    assert.deepEqual(table.header, ["x", "y", "z"]);
    assert.deepEqual(table.rows, [
      ["1", "a", ""],
      ["2.5", "", "true"],
      ["3", "", ""],
    ]);
  });

  it("holds canonical numbers as numbers and anything else as its text, losing nothing", async () => {
    const { table } = await roundTrip("a,b,c\n1,01,x\n2.5,2,y\nNA,3,x\n-1e-7,4.0,z\n");
    assert.deepEqual(
      table.rows.map((r) => r[0]),
      ["1", "2.5", "", "-1e-7"],
      "NA reads as missing, like the profile does",
    );
    assert.deepEqual(
      table.rows.map((r) => r[1]),
      ["01", "2", "3", "4.0"],
      "a column with 01 or 4.0 keeps its text",
    );
    assert.deepEqual(
      table.rows.map((r) => r[2]),
      ["x", "y", "x", "z"],
    );
  });

  it("names the line of bad JSON", async () => {
    await assert.rejects(roundTrip('{"x": 1}\n{"x": \n', "jsonl"), /line 2: invalid JSON/);
    await assert.rejects(roundTrip('{"x": 1}\n[1, 2]\n', "jsonl"), /line 2: expected a JSON object/);
  });

  it("flags identifier columns", async () => {
    const lines = ["id,name,group"];
    for (let i = 0; i < 30; i++) lines.push(`${i},person ${i},${i % 3}`);
    const { result } = await roundTrip(lines.join("\n"));
    assert.deepEqual(
      result.columns.map((c) => Boolean(c.identifier)),
      [true, true, false],
    );
  });

  it("stores large files in pieces of CHUNK_BYTES", async () => {
    const row = "1,2,3,4,5,6,7,8,9,10\n";
    const text = "a,b,c,d,e,f,g,h,i,j\n" + row.repeat(Math.ceil((CHUNK_BYTES * 2.5) / row.length));
    const stored: number[] = [];
    const result = await ingest(Readable.from([Buffer.from(text)]), { format: "csv", limits, onChunk: async (_s, b) => void stored.push(b.length) });
    assert.equal(stored.length, 3);
    assert.equal(stored[0], CHUNK_BYTES);
    assert.equal(result.sizeBytes, text.length);
  });
});
