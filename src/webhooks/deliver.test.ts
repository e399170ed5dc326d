import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { deliver } from "./deliver.js";

describe("webhook delivery", () => {
  it("ends an attempt at its overall deadline, however slowly the receiver trickles its answer", async () => {
    const timers: NodeJS.Timeout[] = [];
    // Answers at once, then sends one byte every 100 ms and never ends: an idle timeout never fires.
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "text/plain" });
      timers.push(setInterval(() => res.write("."), 100));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    try {
      const result = await deliver(url, "{}", { secret: "s", event: "job.succeeded", allowPrivate: true, timeoutMs: 600 });
      assert.match(result.error ?? "", /no complete answer within 600 ms|cut off/, JSON.stringify(result));
    } finally {
      timers.forEach(clearInterval);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
