import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkDestination, DestinationError, isPrivateAddress } from "./destination.js";

describe("webhook destinations", () => {
  it("calls loopback, private, link-local (cloud metadata), CGNAT and mapped addresses private", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "fd12::3",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
      "not-an-ip",
    ]) {
      assert.equal(isPrivateAddress(a), true, a);
    }
    for (const a of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "2606:4700:4700::1111", "2a00:1450:4001::200e"]) assert.equal(isPrivateAddress(a), false, a);
  });

  it("refuses every IPv6 form that embeds or reaches an IPv4 address, and the legacy ranges", async () => {
    // From the issue-19 review: each was accepted as a webhook host. Public IPv4s in these forms too.
    for (const a of [
      "::7f00:1",
      "::127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:8.8.8.8",
      "::ffff:0:7f00:1",
      "64:ff9b::7f00:1",
      "64:ff9b:1::7f00:1",
      "2002:7f00:1::1",
      "2002:808:808::1",
      "fec0::1",
      "2001::1",
      "2001:0:4136:e378:8000:63bf:3fff:fdd2",
      "192.88.99.1",
    ]) {
      assert.equal(isPrivateAddress(a), true, a);
    }
    for (const url of [
      "http://[::7f00:1]/",
      "http://[::127.0.0.1]/",
      "http://[::ffff:0:7f00:1]/",
      "http://[64:ff9b:1::7f00:1]/",
      "http://[2002:7f00:1::1]/",
      "http://[fec0::1]/",
      "http://[2001::1]/",
      "http://192.88.99.1/",
    ]) {
      await assert.rejects(checkDestination(url, false), (e: unknown) => e instanceof DestinationError && /loopback, private or reserved/.test(e.message), url);
    }
  });

  it("refuses other schemes, credentials and names that resolve to loopback", async () => {
    const refused = async (url: string, why: RegExp) =>
      assert.rejects(checkDestination(url, false), (e: unknown) => e instanceof DestinationError && why.test(e.message), url);
    await refused("ftp://example.com/x", /only http and https/);
    await refused("file:///etc/passwd", /only http and https/);
    await refused("http://user:pw@8.8.8.8/", /credentials/);
    await refused("http://localhost:9000/hook", /loopback, private or reserved/);
    await refused("http://[::1]/", /loopback/);
    await refused("http://169.254.169.254/latest/meta-data", /private or reserved/);
    await refused("http://2130706433/", /loopback/); // 127.0.0.1 as one number
    await refused("not a url", /not a URL/);
    const allowed = await checkDestination("http://127.0.0.1:8080/x", true);
    assert.equal(allowed.address, "127.0.0.1");
    assert.equal((await checkDestination("https://8.8.8.8/hook", false)).family, 4);
  });
});
