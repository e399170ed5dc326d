import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { firstInvalidUtf8, Utf8Checker } from "./utf8.js";

describe("UTF-8 checking", () => {
  it("accepts multibyte characters split across chunks", () => {
    const text = Buffer.from("name,city\nJosé,São Paulo\n李,東京\n😀,x\n");
    for (let cut = 1; cut < text.length; cut++) {
      const c = new Utf8Checker();
      assert.equal(c.push(text.subarray(0, cut)), undefined, `cut at ${cut}`);
      assert.equal(c.push(text.subarray(cut)), undefined, `cut at ${cut}`);
      assert.equal(c.end(), undefined);
    }
  });

  it("names the line of the first invalid byte, even in a later chunk", () => {
    const c = new Utf8Checker();
    assert.equal(c.push(Buffer.from("a,b\n1,2\n")), undefined);
    const bad = Buffer.concat([Buffer.from("3,4\n5,caf"), Buffer.from([0xe9]), Buffer.from("\n")]); // latin-1 é
    assert.match(c.push(bad) ?? "", /^line 4: invalid UTF-8 \(byte 0xe9\)/);
  });

  it("rejects a sequence cut off by the end of the file", () => {
    const c = new Utf8Checker();
    assert.equal(c.push(Buffer.from([0x61, 0x0a, 0xe6, 0x9d])), undefined);
    assert.match(c.end() ?? "", /^line 2:/);
  });

  it("follows RFC 3629: overlongs and surrogates are invalid", () => {
    assert.equal(firstInvalidUtf8(Buffer.from([0x41, 0xc0, 0x80])), 1); // overlong NUL
    assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0); // surrogate U+D800
    assert.equal(firstInvalidUtf8(Buffer.from("ok ✓")), -1);
  });
});
