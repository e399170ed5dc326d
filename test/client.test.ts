import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { clientTypes, CLIENT_TYPES } from "../scripts/openapi-types.js";
import { ApiError, treinoClient } from "../src/client/index.js";
import { runningService, fixture, type ApiProcess, type TestEnv } from "./harness.js";

/** The typed client: generated from the running app's OpenAPI document, so the two cannot drift. */
describe("typed client", () => {
  let env: TestEnv;
  let api: ApiProcess;
  let service: Awaited<ReturnType<typeof runningService>>;
  before(async () => {
    service = await runningService({ API_KEYS: "alice:key-client-01" });
    ({ env, api } = service);
  });
  after(async () => {
    await service.close();
  });

  it("is generated from the app's current OpenAPI document (npm run client:generate)", async () => {
    // Built against the live test database: an app closed while its LISTEN connection was still
    // being set up used to hang its pool's end() (src/jobs/job-listener.ts).
    const types = await clientTypes({ ...process.env, ...env.env });
    assert.equal(readFileSync(CLIENT_TYPES, "utf8"), types, "src/client/openapi.ts is stale: run npm run client:generate");
  });

  it("trains and predicts through typed calls, and throws the API's problems", async () => {
    const treino = treinoClient({ baseUrl: api.base, apiKey: "key-client-01" });
    const ds = await treino.uploadDataset("iris", fixture("iris.csv"));
    const job = await treino.createJob({ datasetId: ds.id, target: "target", model: { type: "logisticRegression" } });
    const seen: string[] = [];
    for await (const e of treino.jobEvents(job.id)) seen.push(e.event);
    assert.equal(seen.at(-1), "done");
    const done = await treino.getJob(job.id);
    assert.equal(done.status, "succeeded");
    const { data } = await treino.api.POST("/v1/models/{id}/predict", {
      params: { path: { id: done.modelId! } },
      body: { rows: [{ sepal_length: 5, sepal_width: 3.4, petal_length: 1.5, petal_width: 0.2 }] },
    });
    assert.equal((data!.predictions[0] as { label: string }).label, "0");
    await assert.rejects(treino.getJob("00000000-0000-4000-8000-000000000000"), (err: unknown) => err instanceof ApiError && err.status === 404);
    await assert.rejects(
      treinoClient({ baseUrl: api.base, apiKey: "wrong-key-000" }).getJob(job.id),
      (err: unknown) => err instanceof ApiError && err.status === 401,
    );
  });
});
