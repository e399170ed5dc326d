import { Transform } from "node:stream";
import { AppError } from "../errors.js";

/** How a JSON value becomes a field, the same at upload and when training reads it back. */
export function jsonField(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** Splits bytes into lines and parses each as a JSON object; blank lines are skipped. */
export function jsonLinesParser(): Transform {
  let rest = "";
  let line = 0;
  const decoder = new TextDecoder("utf-8");
  function parseLine(this: Transform, text: string): void {
    line++;
    const t = text.trim();
    if (t === "") return;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (err) {
      throw new AppError("malformed_jsonl", `line ${line}: invalid JSON (${(err as Error).message})`);
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
        const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
        rest = lines.pop() ?? "";
        for (const l of lines) parseLine.call(this, l);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        rest += decoder.decode();
        if (rest.trim()) parseLine.call(this, rest);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}
