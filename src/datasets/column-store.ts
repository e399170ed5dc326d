import type pg from "pg";
import type { ColumnPiece } from "../tables/column-pieces.js";

/** Pieces per INSERT (their bytes go as one bytea[] parameter: a batch of a wide table is split). */
const PIECES_PER_INSERT = 500;

export interface PieceInfo {
  column: number;
  kind: "values" | "text";
  canonical: boolean;
  bytes: number;
}

/** A dataset's typed column pieces (DatasetColumn), written and read with pg directly like its raw pieces. */
export class ColumnStore {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * One batch of rows, every column's piece. A piece already there is left as it is: two workers
   * converting one older dataset write the same bytes.
   */
  async writeBatch(datasetId: string, batch: number, rowStart: number, pieces: ColumnPiece[]): Promise<void> {
    for (let from = 0; from < pieces.length; from += PIECES_PER_INSERT) {
      const part = pieces.slice(from, from + PIECES_PER_INSERT);
      await this.pool.query(
        `INSERT INTO "DatasetColumn" ("datasetId", "column", "batch", "rowStart", "kind", "canonical", "data")
         SELECT $1, p.col, $2, $3, p.kind, p.canonical, p.data FROM unnest($4::int[], $5::text[], $6::bool[], $7::bytea[]) AS p(col, kind, canonical, data)
         ON CONFLICT DO NOTHING`,
        [
          datasetId,
          batch,
          rowStart,
          part.map((p) => p.column),
          part.map((p) => p.kind),
          part.map((p) => p.canonical),
          part.map((p) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength)),
        ],
      );
    }
  }

  /** What is stored of these columns, without the bytes (to decide whether the pieces serve a read, and to group reads). */
  async info(datasetId: string, columns: number[]): Promise<PieceInfo[]> {
    const res = await this.pool.query<PieceInfo & { bytes: string }>(
      'SELECT "column", "kind", "canonical", octet_length("data") AS bytes FROM "DatasetColumn" WHERE "datasetId" = $1 AND "column" = ANY($2::int[])',
      [datasetId, columns],
    );
    return res.rows.map((r) => ({ ...r, bytes: Number(r.bytes) }));
  }

  /**
   * These columns' pieces starting before `maxRows`, by column then row: one query per
   * READ_BYTES of pieces (a query per column cost 1-2 ms each: 170 ms for 100 columns; one for
   * all 16 MB, 60 ms), so a reader holds one group's bytes at a time.
   */
  async *read(datasetId: string, columns: PieceInfo[], maxRows: number): AsyncGenerator<{ column: number; rowStart: number; data: Uint8Array }> {
    const groups: number[][] = [];
    let bytes = Infinity;
    for (const [column, size] of sizes(columns)) {
      if (bytes + size > READ_BYTES) (groups.push([]), (bytes = 0));
      groups.at(-1)!.push(column);
      bytes += size;
    }
    for (const group of groups) {
      const res = await this.pool.query<{ column: number; rowStart: number; data: Buffer }>(
        'SELECT "column", "rowStart", "data" FROM "DatasetColumn" WHERE "datasetId" = $1 AND "column" = ANY($2::int[]) AND "rowStart" < $3 ORDER BY "column", "batch"',
        [datasetId, group, maxRows],
      );
      yield* res.rows;
    }
  }
}

/** Bytes a read fetches in one query. */
const READ_BYTES = 32 * 2 ** 20;

/** Each column's bytes, in column order. */
function sizes(pieces: PieceInfo[]): Array<[number, number]> {
  const by = new Map<number, number>();
  for (const p of pieces) by.set(p.column, (by.get(p.column) ?? 0) + p.bytes);
  return [...by].sort((a, b) => a[0] - b[0]);
}
