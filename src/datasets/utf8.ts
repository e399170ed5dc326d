import { isUtf8 } from "node:buffer";

/**
 * Offset of the first byte that breaks UTF-8 in `b`, or -1. Follows RFC 3629's table of
 * well-formed sequences (no overlongs, no surrogates, nothing above U+10FFFF).
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    if (i + n >= b.length) return i; // cut short
    const second = b[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/** Bytes at the end of `b` that start a sequence the next chunk completes (0 to 3). */
function incompleteTail(b: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const c = b[b.length - back]!;
    if ((c & 0xc0) === 0x80) continue;
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

function countNewlines(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * Checks a byte stream chunk by chunk (sequences may straddle chunks) and reports the first
 * invalid byte by line, counting lines as an editor does.
 */
export class Utf8Checker {
  private carry: Uint8Array = new Uint8Array(0);
  private lines = 1;

  /** Returns an error message for the first invalid byte, or undefined. */
  push(chunk: Uint8Array): string | undefined {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const keep = incompleteTail(data);
    const body = data.subarray(0, data.length - keep);
    this.carry = data.slice(data.length - keep);
    return this.check(body);
  }

  /** Call at end of input: a sequence cut off by the end of the file is invalid too. */
  end(): string | undefined {
    return this.carry.length ? this.check(this.carry, true) : undefined;
  }

  private check(body: Uint8Array, truncated = false): string | undefined {
    if (!truncated && isUtf8(body)) {
      this.lines += countNewlines(body);
      return undefined;
    }
    const at = truncated ? 0 : Math.max(0, firstInvalidUtf8(body));
    const line = this.lines + countNewlines(body.subarray(0, at));
    const byte = body[at]?.toString(16).padStart(2, "0") ?? "??";
    return `line ${line}: invalid UTF-8 (byte 0x${byte}); save the file as UTF-8`;
  }
}
