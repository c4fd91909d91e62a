import { expect, test, type Page } from "@playwright/test";
import { shot, storageState } from "./support";

// Traffic this spec makes itself, then logs, live tail, charts, fleet health and costs.
const SERVICE = "/services/intentvision-prod/us-central1/intentvision-api";
const LOGS = "/logs?project=intentvision-prod&service=intentvision-api";

async function serviceUrl(page: Page): Promise<string> {
  await page.goto(SERVICE);
  return (await page.locator("h1 + a").getAttribute("href"))!;
}

async function hit(page: Page, url: string, path: string) {
  const tab = await page.context().newPage();
  await tab.goto(url + path);
  await tab.close();
}

test.describe.configure({ mode: "serial" });
test.use({ storageState: storageState("viewer") });

test("request lines appear in the logs, and an error filter shows only warnings and worse", async ({ page }) => {
  const url = await serviceUrl(page);
  const marker = `logs-e2e-${Date.now()}`;
  for (let i = 0; i < 5; i++) await hit(page, url, `/health?${marker}=${i}`);
  await hit(page, url, `/${marker}-missing`);
  await expect(async () => {
    await page.goto(`${LOGS}&text=${marker}`);
    await expect(page.getByTestId("log-line").first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId("log-line").filter({ hasText: "200" }).first()).toContainText("GET");
  await expect(page.getByTestId("logging-query")).toContainText('resource.labels.service_name="intentvision-api"');
  await shot(page, "logs");

  await page.goto(`${LOGS}&text=${marker}&severity=WARNING`);
  const lines = page.getByTestId("log-line");
  await expect(lines.first()).toBeVisible();
  await expect(lines.first()).toContainText("404");
  for (const text of await lines.allInnerTexts()) expect(text).toMatch(/WARNING|ERROR|CRITICAL/);
});

test("live tail shows a new request within seconds", async ({ page }) => {
  const url = await serviceUrl(page);
  await page.goto(LOGS);
  await page.getByRole("button", { name: "Live tail" }).click();
  await expect(page.getByText("streaming new entries")).toBeVisible();
  await page.waitForTimeout(500);
  const marker = `tail-e2e-${Date.now()}`;
  await hit(page, url, `/health?${marker}`);
  await expect(page.getByTestId("log-line").filter({ hasText: marker }).first()).toBeVisible({ timeout: 15_000 });
});

test("the service dashboard charts requests by revision, and the fleet shows request rates", async ({ page }) => {
  // A minute is charted once it is complete (as in Cloud Monitoring), so this may wait for one.
  test.setTimeout(150_000);
  const url = await serviceUrl(page);
  for (let i = 0; i < 5; i++) await hit(page, url, "/health");
  const chart = page.getByRole("region", { name: "Request rate" });
  await expect(async () => {
    await page.goto(SERVICE);
    // One series per revision, named in the legend, with data drawn.
    await expect(chart.locator(".recharts-legend-item").first()).toContainText("intentvision-api-", { timeout: 3_000 });
  }).toPass({ timeout: 100_000, intervals: [5_000] });
  // A line, or a lone point's marker (each series has its own shape) where the minutes around it have no data.
  await expect(chart.locator(".recharts-line-dots .recharts-symbols, .recharts-line-curve").first()).toBeVisible();
  await expect(page.getByRole("region", { name: "Latency p50 / p95 / p99" }).locator(".recharts-legend-item").first()).toContainText(/p(50|95|99)/);
  await shot(page, "service-metrics");
  await page.goto("/");
  await expect(page.getByTestId("fleet-row-intentvision-api").locator("td").nth(3)).not.toHaveText("—");
});

test("costs show month to date per service and say how they are computed", async ({ page }) => {
  await page.goto("/costs");
  await expect(page.getByTestId("cost-mtd")).toContainText("$");
  await expect(page.getByTestId("cost-row-intentvision-api")).toBeVisible();
  await expect(page.getByTestId("cost-method")).toContainText("Cloud Monitoring");
  await expect(page.getByTestId("cost-method")).toContainText("Cloud Billing Catalog");
  await shot(page, "costs");
  // The fleet has a cost column too.
  await page.goto("/");
  await expect(page.getByTestId("fleet-row-intentvision-api")).toContainText("$");
});
