import { Transform } from "node:stream";
import { AppError } from "../errors.js";

/**
 * A row's value for a column, from the row's own fields only: a column named `__proto__`,
 * `constructor` or `toString` that a row leaves out is missing, not Object.prototype's member.
 */
export function ownField(row: object, column: string): unknown {
  return Object.hasOwn(row, column) ? (row as Record<string, unknown>)[column] : undefined;
}

/** How a JSON value becomes a field, the same at upload and when training reads it back. */
export function jsonField(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

const NEWLINE = 10;
/** Deepest nesting a row's values may have: a table's cells are scalars, a nested value is kept as its JSON text. */
export const MAX_JSON_DEPTH = 64;

/** Whether a JSON text nests objects or arrays deeper than `max` (brackets inside strings do not count). */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/**
 * Splits bytes into lines and parses each as a JSON object; blank lines are skipped. Each byte
 * is scanned once (a long line's earlier pieces are kept aside, not re-joined and re-split per
 * chunk). Line length is bounded upstream, by lineLengthGuard at upload.
 */
export function jsonLinesParser(): Transform {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let line = 0;
  function parseLine(this: Transform, bytes: Buffer): void {
    line++;
    const t = bytes.toString("utf8").trim();
    if (t === "") return;
    // 300,000 nested arrays parse, but turning them back into a cell's text overflowed the stack (a 500).
    if (nestedDeeperThan(t, MAX_JSON_DEPTH))
      throw new AppError("malformed_jsonl", `line ${line}: values nested more than ${MAX_JSON_DEPTH} levels deep; a row is an object of scalar values`);
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (err) {
      throw new AppError("malformed_jsonl", `line ${line}: invalid JSON (${(err as Error).message.slice(0, 200)})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new AppError("malformed_jsonl", `line ${line}: expected a JSON object per line`);
    }
    this.push(value);
  }
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, done) {
      try {
        let start = 0;
        for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
          const piece = chunk.subarray(start, nl);
          parseLine.call(this, partBytes ? Buffer.concat([...parts, piece]) : piece);
          parts = [];
          partBytes = 0;
          start = nl + 1;
        }
        if (start < chunk.length) {
          parts.push(chunk.subarray(start));
          partBytes += chunk.length - start;
        }
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        if (partBytes) parseLine.call(this, Buffer.concat(parts));
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}
