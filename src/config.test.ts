import { it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { keyDigest, loadConfig } from "./config.js";

it("keeps API keys only as SHA-256 digests, each with its tenant", () => {
  const config = loadConfig({ API_KEYS: "alice:key-of-alice-0123,bob:key-of-bob-4567" });
  assert.deepEqual(
    config.apiKeys.map((k) => k.tenant),
    ["alice", "bob"],
  );
  assert.deepEqual(config.apiKeys[0]!.digest, keyDigest("key-of-alice-0123"));
  const dumped = inspect(config, { depth: 5 }) + JSON.stringify(config);
  assert.ok(!dumped.includes("key-of-alice") && !dumped.includes("key-of-bob"), "no key in the configuration as held (logs, dumps)");
});
