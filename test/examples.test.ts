import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runningService, type ApiProcess, type TestEnv } from "./harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The course's exercises in examples/, run as a user would against the real service. */
describe("examples", () => {
  let env: TestEnv;
  let api: ApiProcess;
  let service: Awaited<ReturnType<typeof runningService>>;
  before(async () => {
    service = await runningService({ API_KEYS: "student:key-examples-1" });
    ({ env, api } = service);
  });
  after(async () => {
    await service.close();
  });

  const run = (name: string) =>
    new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        process.execPath,
        ["--import", "tsx", `${ROOT}examples/${name}.ts`],
        { cwd: ROOT, env: { ...process.env, TREINO_URL: api.base, TREINO_API_KEY: "key-examples-1" }, timeout: 300_000 },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      ),
    );

  it("multiclass: digits over 95% with a small MLP", async () => {
    const { code, out } = await run("multiclass");
    assert.equal(code, 0, out);
    assert.match(out, /over 95%: 9\d\.\d%/);
    assert.match(out, new RegExp(`plot: ${api.base}/v1/jobs/[0-9a-f-]{36}/plots/learning-curve\\.png`));
  });

  it("titanic: the leak check names boat, and the model trains without it", async () => {
    const { code, out } = await run("titanic");
    assert.equal(code, 0, out);
    assert.match(out, /possible leak: "boat" alone predicts "survived"/);
    const accuracy = Number(/succeeded: test accuracy (\S+)/.exec(out)?.[1]);
    assert.ok(accuracy > 0.72 && accuracy < 0.9, `a leak-free accuracy: ${accuracy}`);
  });
});
