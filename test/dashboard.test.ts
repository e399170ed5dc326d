import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { chromium, type Browser } from "playwright-core";
import { runningService, FIXTURES, upload, waitForJob, type ApiProcess, type TestEnv } from "./harness.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Screenshots land here (`DASHBOARD_SCREENSHOTS=docs` refreshes the README's). */
const SHOTS = process.env.DASHBOARD_SCREENSHOTS ?? `${tmpdir()}/treino-dashboard`;

/** The dashboard in headless Chromium, against the real API and a worker: upload, train, watch, plots. */
describe("dashboard", { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)` }, () => {
  let env: TestEnv;
  let api: ApiProcess;
  let service: Awaited<ReturnType<typeof runningService>>;
  let browser: Browser;
  before(async () => {
    service = await runningService({ API_KEYS: "alice:key-dashboard-01" });
    ({ env, api } = service);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await service.close();
  });

  it("takes a key, uploads a CSV, starts a job, shows it finish with its curves, plots, metrics and a prediction", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1500 } });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(m.text()));
    const failed: string[] = [];
    page.on("response", (r) => r.status() >= 400 && failed.push(`${r.status()} ${new URL(r.url()).pathname}`));
    await page.goto(`${api.base}/#/datasets`);
    // The API wants a key: the page asks for it once and keeps it.
    await page.getByLabel("API key").fill("key-dashboard-01");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByLabel("CSV file").setInputFiles(`${FIXTURES}/iris.csv`);
    await page.getByRole("button", { name: "Upload" }).click();
    await page.waitForURL(/#\/datasets\/[0-9a-f-]{36}$/);
    await page.locator("table.profile").waitFor();
    assert.equal(await page.locator("table.profile tbody tr").count(), 5, "one profile row per column");
    await page.getByLabel("target").selectOption("target");
    await page.getByRole("button", { name: "Check for leaks" }).click();
    await page.locator(".warnings li").first().waitFor();
    await page.getByLabel("hidden units").fill("16");
    await page.getByLabel("epochs").fill("40");
    await page.getByRole("button", { name: "Train" }).click();
    await page.waitForURL(/#\/jobs\/[0-9a-f-]{36}$/);
    await page.locator('[data-status="succeeded"]').first().waitFor({ timeout: 120_000 });
    assert.ok((await page.locator('svg.chart polyline[data-series="val_loss"]').count()) === 1, "live learning curves drawn");
    const plot = page.locator('img[data-plot="learning-curve.svg"]');
    await plot.waitFor();
    assert.ok(await plot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), "the learning-curve plot loaded");
    await page.locator('img[data-plot="confusion-matrix.svg"]').waitFor();
    const accuracy = Number(await page.locator("table.metrics tbody td").first().textContent());
    assert.ok(accuracy > 0.8, `test accuracy shown: ${accuracy}`);
    // The summary is drawn after the plots (it needs the model's own fetch): wait for its rows, then count them.
    await page.locator("table.summary tbody tr").first().waitFor();
    assert.ok((await page.locator("table.summary tbody tr").count()) >= 2, "the model summary");
    for (const [name, value] of Object.entries({ sepal_length: "5.1", sepal_width: "3.5", petal_length: "1.4", petal_width: "0.2" }))
      await page.getByLabel(name, { exact: true }).fill(value);
    await page.getByRole("button", { name: "Predict" }).click();
    await page.locator("pre.prediction").filter({ hasText: '"label": "0"' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/dashboard-job.png`, fullPage: true });
    await page.goto(`${api.base}/#/jobs`);
    await page.locator("table tbody tr").first().waitFor();
    await page.screenshot({ path: `${SHOTS}/dashboard-jobs.png` });
    assert.deepEqual(problems, [], "no script error or CSP violation");
    assert.deepEqual(failed, ["401 /v1/datasets"], "no failed request but the first, before the key");
  });

  it("shows an AutoML experiment: its budget and phase, the ensemble's weights, the winner, its plots; the job list groups its trials", async () => {
    const iris = await upload(env, "iris.csv", "key-dashboard-01");
    const created = await env
      .api()
      .post("/v1/experiments")
      .set("authorization", "Bearer key-dashboard-01")
      .send({
        kind: "automl",
        datasetId: iris.id,
        target: "target",
        families: ["logisticRegression", "naiveBayes", "majority"],
        crossValidation: { folds: 2 },
        budget: { trials: 3 },
      });
    assert.equal(created.status, 202, created.text);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${api.base}/#/key`);
    await page.getByLabel("API key").fill("key-dashboard-01");
    await page.getByRole("button", { name: "Save" }).click();
    await page.goto(`${api.base}/#/experiments/${created.body.id}`);
    await page.locator("p.automl").filter({ hasText: "2-fold cross-validation" }).waitFor();
    await page.locator("p.winner").waitFor({ timeout: 120_000 });
    assert.ok((await page.locator("table.ensemble tbody tr").count()) >= 1, "the ensemble's members and weights");
    assert.match((await page.locator("p.automl").textContent()) ?? "", /Budget 3 candidates/);
    await page.locator('img[data-plot="importance.svg"]').waitFor();
    await page.goto(`${api.base}/#/jobs`);
    const grouped = page.locator("table.experiment-trials tbody tr").first();
    await grouped.waitFor();
    assert.match((await grouped.textContent()) ?? "", /automl.*6\/6/, "its six trials under one row");
    assert.deepEqual(problems, []);
  });

  it("registers a job's model, promotes versions side by side, refuses a worse one with the guard, and rolls back", async () => {
    const auth = { authorization: "Bearer key-dashboard-01" };
    const iris = await upload(env, "iris.csv", "key-dashboard-01");
    const jobs = [];
    for (const model of [{ type: "logisticRegression" }, { type: "majority" }]) {
      const created = await env.api().post("/v1/jobs").set(auth).send({ datasetId: iris.id, target: "target", model });
      jobs.push(await waitForJob(env, created.body.id, undefined, 60_000, "key-dashboard-01"));
    }
    const page = await browser.newPage({ viewport: { width: 1200, height: 1200 } });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${api.base}/#/key`);
    await page.getByLabel("API key").fill("key-dashboard-01");
    await page.getByRole("button", { name: "Save" }).click();
    await page.goto(`${api.base}/#/registry`);
    await page.getByLabel("registered model name").fill("iris-app");
    await page.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/#\/registry\/iris-app$/);
    for (const job of jobs) {
      await page.goto(`${api.base}/#/jobs/${job.id}`);
      await page.getByLabel("register as").fill("iris-app");
      await page.getByRole("button", { name: "Register" }).click();
      await page.waitForURL(/#\/registry\/iris-app$/);
    }
    await page.getByRole("button", { name: "Promote v1" }).click();
    await page.locator("table.aliases").filter({ hasText: "production" }).waitFor();
    // The guard: the majority floor (v2) is below v1's accuracy, so production stays.
    await page.getByLabel("only if at least as good").check();
    await page.getByRole("button", { name: "Promote v2" }).click();
    await page.locator("p.error").filter({ hasText: "refused" }).waitFor();
    assert.match((await page.locator("table.aliases tbody").textContent()) ?? "", /production\s*v1/);
    await page.getByLabel("only if at least as good").uncheck();
    await page.getByRole("button", { name: "Promote v2" }).click();
    await page.getByRole("button", { name: "Roll back production to v1" }).click();
    await page.locator("table.audit tbody tr").nth(2).waitFor();
    const moves = await page.locator("table.audit tbody tr").allTextContents();
    assert.deepEqual(
      moves.map((m) => /(\(new\)|v\d)(v\d)/.exec(m.replace(/\s+/g, ""))?.slice(1)),
      [
        ["v2", "v1"],
        ["v1", "v2"],
        ["(new)", "v1"],
      ],
      "newest first: v1, then v2, then the roll back",
    );
    const versions = await page.locator("table.versions tbody tr").allTextContents();
    assert.match(versions.join("\n"), /v2majority0\.\d{4}/, "metrics side by side");
    assert.match(versions.join("\n"), /v1logisticRegression0\.9\d{3}/);
    await page.screenshot({ path: `${SHOTS}/dashboard-registry.png`, fullPage: true });
    assert.deepEqual(problems, []);
  });

  it("serves the page and its assets without a key but no data, under a strict CSP", async () => {
    const res = await fetch(`${api.base}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.doesNotMatch(res.headers.get("content-security-policy") ?? "", /unsafe/);
    assert.equal((await fetch(`${api.base}/dashboard.js`)).status, 200);
    assert.equal((await fetch(`${api.base}/v1/jobs`)).status, 401, "the data still needs the key");
  });
});
