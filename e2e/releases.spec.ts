import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { ServicesClient } from "@google-cloud/run";
import { grpc } from "google-gax";
import { E2E } from "../playwright.config";
import { shot, storageState } from "./support";

// Canary releases as people use them: a developer releases from the deploy
// form and watches the steps pass, a bad canary is rolled back with its reason
// on the page, and a viewer sees a release without any control. Each test has
// a service of its own, made through the emulator's Cloud Run API, and steady
// load from the emulator's admin API (emulator/README.md).
const PROJECT = "pyplots-prod";
const REGION = "europe-west4";
const run = new ServicesClient({
  apiEndpoint: "127.0.0.1",
  port: E2E.emulatorGrpcPort,
  sslCreds: grpc.credentials.createInsecure(),
  projectId: PROJECT,
});

async function newService(): Promise<{ id: string; name: string; host: string; path: string }> {
  const id = `e2e-rel-${randomBytes(3).toString("hex")}`;
  const [op] = await run.createService({
    parent: `projects/${PROJECT}/locations/${REGION}`,
    serviceId: id,
    service: { template: { scaling: { maxInstanceCount: 4 }, containers: [{ image: "gcr.io/e2e/hello:v1" }] } },
  });
  const [svc] = await op.promise();
  return { id, name: svc.name!, host: new URL(svc.uri!).hostname, path: `/services/${PROJECT}/${REGION}/${id}` };
}

/** What serves the service, as Cloud Run reads it back: each target's revision (LATEST resolved), percent and tag. */
async function serving(name: string) {
  const [svc] = await run.getService({ name });
  const latest = svc.latestReadyRevision!.split("/").pop()!;
  return (svc.trafficStatuses ?? []).map((t) => ({
    revision: String(t.type) === "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST" ? t.revision || latest : t.revision!,
    percent: Number(t.percent ?? 0),
    tag: t.tag ?? "",
  }));
}

async function steadyLoad(host: string, rps: number) {
  const res = await fetch(`http://127.0.0.1:${E2E.emulatorRouterPort}/_emulator/load`, {
    method: "PUT",
    body: JSON.stringify({ host, rps }),
  });
  expect(res.status).toBe(200);
  return () => fetch(`http://127.0.0.1:${E2E.emulatorRouterPort}/_emulator/load?host=${host}`, { method: "DELETE" });
}

/** Saves a plan of short steps through the plan form. */
async function savePlan(page: Page, fields: Record<string, string>) {
  const form = page.getByRole("form", { name: "Release plan" });
  for (const [label, value] of Object.entries(fields)) await form.getByLabel(label, { exact: true }).fill(value);
  await form.getByRole("button", { name: "Save plan" }).click();
  await expect(form.getByText("Release plan saved.")).toBeVisible();
}

const SHORT = {
  "Seconds per step": "3",
  "Seconds between checks": "1",
  "Canary requests a step needs": "3",
  "…and above (ms)": "5000",
};

test.describe.configure({ mode: "serial" });

test.describe("as a developer", () => {
  test.use({ storageState: storageState("developer") });

  test("starts a canary from the deploy form and watches it promote", async ({ page }) => {
    test.setTimeout(180_000);
    const svc = await newService();
    const stop = await steadyLoad(svc.host, 20);
    try {
      await page.goto(svc.path);
      await savePlan(page, SHORT);
      await page.goto(`${svc.path}/deploy`);
      await page.getByLabel("Image (with tag or digest)").fill("gcr.io/e2e/hello:v2");
      await page.getByLabel(/Canary release/).check();
      await page.getByRole("button", { name: "Deploy and start the release" }).click();
      const panel = page.getByRole("region", { name: "Canary release" });
      await expect(panel).toBeVisible({ timeout: 30_000 });
      await expect(panel.getByText(/^Passed: /).first()).toBeVisible({ timeout: 60_000 });
      await shot(page, "release-in-progress");
      await expect(page.getByText(/^Promoted: .* takes all traffic/).first()).toBeVisible({ timeout: 90_000 });
      await expect(
        page.getByRole("table", { name: `Releases of ${svc.id}, newest first` }).getByText("promoted", { exact: true }),
      ).toBeVisible();
    } finally {
      await stop();
    }
  });

  test("a bad canary is rolled back, with its reason on the page", async ({ page }) => {
    test.setTimeout(180_000);
    const svc = await newService();
    const before = await serving(svc.name);
    expect(before.map((t) => t.percent)).toEqual([100]);
    const stop = await steadyLoad(svc.host, 30);
    try {
      await page.goto(svc.path);
      await savePlan(page, { ...SHORT, "Seconds per step": "60" });
      await page.goto(`${svc.path}/deploy`);
      await page.getByLabel("Image (with tag or digest)").fill("gcr.io/e2e/hello:v3");
      await page.getByRole("button", { name: "Add variable" }).click();
      await page.getByLabel("Name of variable 1").fill("ERROR_RATE");
      await page.getByLabel("Value of variable 1").fill("0.3");
      await page.getByLabel(/Canary release/).check();
      await page.getByRole("button", { name: "Deploy and start the release" }).click();
      const panel = page.getByRole("region", { name: "Canary release" });
      await expect(panel).toBeVisible({ timeout: 30_000 });
      // The ended release stays in view: its reason, and the failed checks that led to it.
      await expect(panel.getByRole("alert")).toHaveText(
        /^Aborted: 5xx \d+\.\d % > 1\.0 % and > stable 0\.0 % \+ 1 pt; 2 failed checks in a row/,
        { timeout: 60_000 },
      );
      await expect(panel.getByText(/^Failed: 5xx/).first()).toBeVisible();
      await shot(page, "release-aborted");
      const history = page.getByRole("table", { name: `Releases of ${svc.id}, newest first` });
      await expect(history.getByText(/^Aborted: 5xx \d+\.\d % > 1\.0 % and > stable 0\.0 % \+ 1 pt/)).toBeVisible({
        timeout: 60_000,
      });
      await expect(history.getByText("aborted", { exact: true })).toBeVisible();
      // The service's own traffic, read from Cloud Run: the revision that served before serves it all
      // again (pinned now, since the canary is the newest revision), and the canary only keeps its tag.
      const after = await serving(svc.name);
      const [{ revision: canary }] = after.filter((t) => t.tag === "canary");
      expect(canary).not.toBe(before[0].revision);
      expect(after.filter((t) => t.percent > 0)).toEqual(before);
      expect(after.filter((t) => t.percent === 0)).toEqual([{ revision: canary, percent: 0, tag: "canary" }]);
    } finally {
      await stop();
    }
  });
});

test("a viewer sees a release but no controls", async ({ browser }) => {
  test.setTimeout(120_000);
  const svc = await newService();
  const dev = await (await browser.newContext({ storageState: storageState("developer") })).newPage();
  await dev.goto(svc.path);
  // The plan's snooze choice, saved and shown again; the service has no alert policy to snooze.
  const snooze = dev
    .getByRole("form", { name: "Release plan" })
    .getByLabel(/^Snooze this service's alerts during a release/);
  await expect(snooze).not.toBeChecked();
  await snooze.check();
  await savePlan(dev, { "Seconds per step": "600" });
  await dev.reload();
  await expect(snooze).toBeChecked();
  await dev.goto(`${svc.path}/deploy`);
  await dev.getByLabel("Image (with tag or digest)").fill("gcr.io/e2e/hello:v2");
  await dev.getByLabel(/Canary release/).check();
  await dev.getByRole("button", { name: "Deploy and start the release" }).click();
  await expect(dev.getByRole("region", { name: "Canary release" }).getByText("at 5 %", { exact: true })).toBeVisible({
    timeout: 60_000,
  });
  await expect(dev.getByRole("region", { name: "Canary release" }).getByLabel("Alert snooze")).toHaveText(
    "No alert policy watches this service: nothing was snoozed.",
  );

  const viewer = await (await browser.newContext({ storageState: storageState("viewer") })).newPage();
  await viewer.goto(svc.path);
  const panel = viewer.getByRole("region", { name: "Canary release" });
  await expect(panel.getByText("at 5 %", { exact: true })).toBeVisible();
  await expect(panel.getByRole("list", { name: "Steps" })).toContainText("25 %");
  for (const name of ["Pause", "Resume", "Promote now", "Abort now", "Save plan"])
    await expect(viewer.getByRole("button", { name })).toHaveCount(0);
  await viewer.goto("/");
  await viewer.getByLabel("Search services").fill(svc.id);
  await expect(viewer.getByText("releasing 5 %").first()).toBeVisible();

  // Tidy up: the developer aborts it, and the traffic goes back.
  await dev.getByRole("button", { name: "Abort now" }).click();
  await expect(
    dev
      .getByRole("table", { name: `Releases of ${svc.id}, newest first` })
      .getByText(/^Aborted: aborted now by developer@/),
  ).toBeVisible({ timeout: 30_000 });
});
