import { Transform } from "node:stream";
import { AppError } from "../errors.js";

const NEWLINE = 10;

/**
 * Passes bytes through unchanged, refusing a physical line longer than `maxLineBytes` as soon as
 * it gets there, for CSV and JSON Lines alike: a parser builds a whole record (a 15M-column
 * header, a 30 MB object) before anyone can count its fields. Only new bytes are scanned.
 */
export function lineLengthGuard(maxLineBytes: number): Transform {
  let run = 0;
  let line = 1;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        if (run + nl - start > maxLineBytes) break;
        run = 0;
        line++;
        start = nl + 1;
      }
      run += chunk.length - start;
      if (run > maxLineBytes || chunk.indexOf(NEWLINE, start) !== -1) {
        return done(new AppError("payload_too_large", `line ${line}: longer than the limit of ${maxLineBytes} bytes (MAX_LINE_BYTES)`));
      }
      done(null, chunk);
    },
  });
}
