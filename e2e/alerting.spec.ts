import { expect, test, type Page } from "@playwright/test";
import { request } from "../emulator/testing/http";
import { E2E } from "../playwright.config";
import { shot, storageState, waitForOperation } from "./support";

// Being told: an operator gives shortfactory-prod Runway's webhook; a developer
// makes the 5xx-share policy from its template, breaks shortfactory-frontend
// with a failing revision, sees the incident on the service page, the fleet and
// the incidents page, rolls back, and sees it close. The emulator's evaluator
// delivers the incidents to the portal's intake, as Cloud Monitoring would.
const PROJECT = "shortfactory-prod";
const SERVICE = "/services/shortfactory-prod/us-central1/shortfactory-frontend";
const HOST = "shortfactory-frontend.us-central1.localhost";
const POLICY = "shortfactory-frontend: 5xx share of requests > 10 %";

test.describe.configure({ mode: "serial" });

/** Requests to the service while a test waits for the evaluator (no background traffic in e2e). */
function keepRequesting(): () => void {
  let on = true;
  void (async () => {
    while (on) {
      await request(E2E.emulatorRouterPort, HOST, "/", { timeoutMs: 5_000 }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return () => {
    on = false;
  };
}

/** Reloads until `check` passes: the panels are server-rendered. */
async function untilShown(page: Page, url: string, check: () => Promise<void>, timeout = 150_000) {
  await expect(async () => {
    await page.goto(url);
    await check();
  }).toPass({ timeout, intervals: [2_000] });
}

test("an operator creates Runway's webhook for the project: its token is shown once, never again", async ({
  browser,
}) => {
  const page = await (await browser.newContext({ storageState: storageState("operator") })).newPage();
  await page.goto("/channels");
  const panel = page.locator("section").filter({ has: page.getByRole("heading", { name: PROJECT, exact: true }) });
  await panel.getByRole("button", { name: "Create Runway's webhook" }).click();
  const token = panel.getByLabel("Webhook token");
  await expect(token).toHaveText(/^[A-Za-z0-9_-]{43}$/);
  const value = await token.innerText();
  await expect(panel.getByText("Runway webhook")).toBeVisible();
  await page.reload();
  await expect(panel.getByText("Runway webhook")).toBeVisible();
  await expect(panel.getByRole("button", { name: "Create Runway's webhook" })).toHaveCount(0);
  expect(await page.content()).not.toContain(value);
});

test.describe("as a developer", () => {
  test.use({ storageState: storageState("developer") });

  test("creates the 5xx-share policy from its template, with field errors first", async ({ page }) => {
    await page.goto(SERVICE);
    const alerts = page.locator("section").filter({ has: page.getByRole("heading", { name: /^Alerts/ }) });
    await expect(alerts.getByText("No alert policy watches this service yet.")).toBeVisible();
    await alerts.getByText("New policy from a template").click();
    const form = page.getByRole("form", { name: "New alert policy" });
    await expect(form.getByLabel("Template")).toHaveValue("error-share");
    await expect(form.getByLabel("Runway (incidents page)")).toBeChecked();
    await form.getByLabel("5xx share above (%)").fill("150");
    await form.getByLabel("For at least (seconds)").fill("45");
    await form.getByRole("button", { name: "Create policy" }).click();
    await expect(form.getByText("5xx share above (%): between 0.01 and 100.")).toBeVisible();
    await expect(form.getByText("Use whole minutes: 0, 60, 120, 300 seconds…")).toBeVisible();
    await form.getByLabel("5xx share above (%)").fill("10");
    await form.getByLabel("For at least (seconds)").fill("0");
    await form.getByRole("button", { name: "Create policy" }).click();
    await expect(form.getByText(`Created "${POLICY}".`)).toBeVisible();
    const policy = page.getByRole("listitem", { name: `Policy ${POLICY}` });
    await expect(policy).toContainText("Alerts when 5xx share of requests > 10 % at once");
    await expect(policy).toContainText("enabled");
    await expect(policy).toContainText("Notifies 1 channel");
    await shot(page, "alerting-policy-created");
  });

  test("breaks the service, sees the incident on the service page, the fleet and the incidents page, rolls back and sees it close", async ({
    page,
  }) => {
    test.setTimeout(420_000);
    await page.goto(`${SERVICE}/deploy`);
    await page.getByRole("button", { name: "Add variable" }).click();
    const rows = await page.locator('input[aria-label^="Name of variable"]').count();
    await page.getByLabel(`Name of variable ${rows}`, { exact: true }).fill("ERROR_RATE");
    await page.getByLabel(`Value of variable ${rows}`, { exact: true }).fill("1");
    await page.getByRole("button", { name: "Deploy" }).click();
    await waitForOperation(page, "succeeded");

    const stop = keepRequesting();
    try {
      const policy = page.getByRole("listitem", { name: `Policy ${POLICY}` });
      await untilShown(page, SERVICE, async () =>
        expect(policy.getByText("1 open incident")).toBeVisible({ timeout: 1_000 }),
      );
      await expect(page.getByRole("heading", { name: "Alerts · 1 open incident" })).toBeVisible();
      await page
        .locator("section")
        .filter({ has: page.getByRole("heading", { name: /^Alerts/ }) })
        .scrollIntoViewIfNeeded();
      await shot(page, "alerting-service-incident");

      await page.goto("/");
      await page.getByLabel("Status").selectOption("incidents");
      const row = page.getByTestId("fleet-row-shortfactory-frontend");
      await expect(row.getByText("1 open incident")).toBeVisible();
      await expect(page.locator('[data-testid^="fleet-row-"]')).toHaveCount(1);
      await expect(
        page.getByText(
          "the fixed thresholds (5xx share > 1 % over 5 min, p99 > 5 s) flag only services that have none",
        ),
      ).toBeVisible();

      await row.getByRole("link", { name: "1 open incident" }).click();
      await expect(page).toHaveURL(/\/incidents\?project=shortfactory-prod&service=shortfactory-frontend&state=open/);
      const incident = page.locator('[data-testid^="incident-"]').first();
      await expect(incident).toContainText(POLICY);
      await expect(incident).toContainText("open");
      // The observed 5xx share over the threshold (under 100 % when the minute also holds answers from before the deploy).
      await expect(incident).toContainText(/\d+(\.\d+)? % \/ 10 %/);
      const observed = Number(/(\d+(?:\.\d+)?) % \/ 10 %/.exec(await incident.innerText())![1]);
      expect(observed).toBeGreaterThan(10);
      expect(observed).toBeLessThanOrEqual(100);
      await incident.getByRole("button", { name: `Acknowledge ${POLICY}` }).click();
      await expect(incident).toContainText("developer@runway.local");
      await shot(page, "alerting-incidents-open");
      await expect(incident.getByRole("link", { name: "Dashboard at this time →" })).toHaveAttribute(
        "href",
        /^\/services\/shortfactory-prod\/us-central1\/shortfactory-frontend\?from=.*&to=.*#metrics$/,
      );

      await page.goto(SERVICE);
      await page.getByRole("button", { name: "Roll back" }).click();
      await page
        .getByRole("dialog", { name: "Confirm rollback" })
        .getByRole("button", { name: /^Send all traffic to / })
        .click();
      await waitForOperation(page, "succeeded");

      await untilShown(
        page,
        "/incidents?project=shortfactory-prod&service=shortfactory-frontend",
        async () => {
          await expect(page.getByRole("heading", { name: "Open (0)" })).toBeVisible({ timeout: 1_000 });
          await expect(page.getByRole("heading", { name: "Closed (1)" })).toBeVisible({ timeout: 1_000 });
        },
        240_000,
      );
      await expect(page.locator('[data-testid^="incident-"]').first()).toContainText("closed");
      await shot(page, "alerting-incidents-closed");
      await page.goto(SERVICE);
      await expect(page.getByRole("listitem", { name: `Policy ${POLICY}` }).getByText(/open incident/)).toHaveCount(0);
    } finally {
      stop();
    }
  });
});
