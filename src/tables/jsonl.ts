import { Transform } from "node:stream";
import { AppError } from "../errors.js";

/** How a JSON value becomes a field, the same at upload and when training reads it back. */
export function jsonField(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

const NEWLINE = 10;

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
