import { expect, test, type Page } from "@playwright/test";
import {
  cloudRunPrices,
  costRows,
  dollars,
  expectedCosts,
  FREE_TIER,
  monitoringUsage,
  type CostRow,
} from "./cost-figures";
import { request } from "../emulator/testing/http";
import { E2E } from "../playwright.config";
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
  // The page says "connecting…" until the route's `ready` event, sent once the upstream tail is open: a request made after it is streamed.
  await expect(page.getByText("streaming new entries")).toBeVisible();
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
  await expect(
    page.getByRole("region", { name: "Latency p50 / p95 / p99" }).locator(".recharts-legend-item").first(),
  ).toContainText(/p(50|95|99)/);
  await shot(page, "service-metrics");
  await page.goto("/");
  await expect(page.getByTestId("fleet-row-intentvision-api").locator("td").nth(3)).not.toHaveText("—");
});

test("costs are the usage shown times the catalog's list prices, net of the free tier, and add up", async ({
  page,
}) => {
  // Usage is read per closed minute and cached 5 minutes by the portal: this may wait for the next read.
  test.setTimeout(480_000);
  const prices = await cloudRunPrices();
  // An instance-based service is billed for every second an instance is up: start one, so the month has a figure to check.
  expect((await request(E2E.emulatorRouterPort, "intentvision-worker.us-central1.localhost", "/")).status).toBe(200);
  let rows: CostRow[] = [];
  await expect(async () => {
    // Monitoring read just before and just after the page: each usage figure the page shows lies between the two,
    // so a usage line lib/cost dropped or misread fails (the page caches a read for 5 minutes: a stale one waits for the next).
    const projects = [
      "intentvision-prod",
      "pyplots-prod",
      "elevendops-prod",
      "shortfactory-prod",
      "ai-usage-analytics-prod",
    ];
    const earlier = await monitoringUsage(projects);
    await page.goto("/costs");
    rows = await costRows(page);
    const later = await monitoringUsage(projects);
    expect(rows.find((r) => r.service === "intentvision-worker")?.usage.vcpuSeconds).toBeGreaterThan(0);
    expect(
      [...earlier.values()].some((u) => u.requests > 0),
      "some requests in Monitoring",
    ).toBe(true);
    for (const r of rows) {
      expect(projects).toContain(r.project);
      const zero = { vcpuSeconds: 0, gibSeconds: 0, requests: 0 };
      const [a, b] = [earlier.get(`${r.project}/${r.service}`) ?? zero, later.get(`${r.project}/${r.service}`) ?? zero];
      // The rows carry vCPU- and GiB-seconds rounded to whole units, requests as counted.
      for (const k of ["vcpuSeconds", "gibSeconds"] as const) {
        expect(r.usage[k], `${r.service} ${k} ≥ Monitoring before`).toBeGreaterThanOrEqual(a[k] - 0.5);
        expect(r.usage[k], `${r.service} ${k} ≤ Monitoring after`).toBeLessThanOrEqual(b[k] + 0.5);
      }
      expect(r.usage.requests, `${r.service} requests ≥ Monitoring before`).toBeGreaterThanOrEqual(a.requests);
      expect(r.usage.requests, `${r.service} requests ≤ Monitoring after`).toBeLessThanOrEqual(b.requests);
    }
    // Every service Monitoring billed usage for has its row.
    for (const [key, u] of earlier)
      if (u.vcpuSeconds + u.gibSeconds + u.requests > 0)
        expect(rows.map((r) => `${r.project}/${r.service}`)).toContain(key);
  }).toPass({ timeout: 420_000, intervals: [10_000] });
  await expect(page.getByTestId("cost-method")).toContainText("Cloud Monitoring");
  await expect(page.getByTestId("cost-method")).toContainText("Cloud Billing Catalog");
  expect(rows.map((r) => r.service)).toEqual(
    expect.arrayContaining(["intentvision-api", "intentvision-worker", "pyplots-api"]),
  );
  // Rows carry usage rounded to whole units: a figure may differ by half a unit's price.
  const cent4 = 0.00005;

  // Each billing mode has its own free tier, shared by its services; what this run used stays inside both, so everything costs exactly nothing.
  for (const mode of ["request-based", "instance-based"] as const) {
    const mine = rows.filter((r) => r.billing === mode);
    const used = (k: keyof CostRow["usage"]) => mine.reduce((sum, r) => sum + r.usage[k], 0);
    expect(used("vcpuSeconds"), mode).toBeLessThan(FREE_TIER[mode].vcpuSeconds);
    expect(used("gibSeconds"), mode).toBeLessThan(FREE_TIER[mode].gibSeconds);
  }
  const worker = rows.find((r) => r.service === "intentvision-worker")!;
  expect(worker.billing).toBe("instance-based");
  // The page's figures are the usage it shows × the list prices, net of the free tier (tooltips round usage to whole units).
  const expected = expectedCosts(rows, prices);
  for (const r of rows) {
    const e = expected.get(r.service)!;
    for (const k of ["cpu", "memory", "requests"] as const)
      expect(Math.abs(r.shown[k] - e[k]), `${r.service} ${k}`).toBeLessThanOrEqual(cent4 + 0.5 * 0.000025);
    if (r.billing === "instance-based") expect(r.shown.requests, r.service).toBe(0);
    // Nothing under a cent reads as $0.00, and every amount shown is the figure rounded to the cent.
    for (const k of ["cpu", "memory", "requests"] as const) {
      const text = r.text[k];
      if (text === null)
        expect(
          rows.every((x) => x.shown[k] === 0),
          `${k} column left out only when zero everywhere`,
        ).toBe(true);
      else if (r.shown[k] > 0 && r.shown[k] < 0.01) expect(text).toBe("< $0.01");
      else expect(text).toBe(`$${r.shown[k].toFixed(2)}`);
    }
  }

  // Each service's month to date is its parts (idle min instances only for request-based services); each project's and the total are sums of services.
  for (const r of rows) {
    expect(
      Math.abs(r.shown.monthToDate - (r.shown.cpu + r.shown.memory + r.shown.requests + r.shown.idle)),
      r.service,
    ).toBeLessThanOrEqual(3 * cent4);
    if (r.billing === "instance-based") expect(r.shown.idle, r.service).toBe(0);
  }
  const perProject = await page.getByText("Per project (month to date)").locator("..").locator("li").allInnerTexts();
  expect(perProject.length).toBe(new Set(rows.map((r) => r.project)).size);
  for (const line of perProject) {
    const [, project, amount] = /^(\S+)\s+(\$[\d.,]+)$/.exec(line.trim())!;
    const services = rows.filter((r) => r.project === project);
    expect(
      Math.abs(dollars(amount) - services.reduce((sum, r) => sum + r.shown.monthToDate, 0)),
      project,
    ).toBeLessThanOrEqual(0.005 + services.length * cent4);
  }
  const total = rows.reduce((sum, r) => sum + r.shown.monthToDate, 0);
  // Shown to the cent.
  expect(Math.abs(dollars(await page.getByTestId("cost-mtd").innerText()) - total)).toBeLessThanOrEqual(
    0.005 + rows.length * cent4,
  );
  await shot(page, "costs");

  // The fleet's cost column shows the same month to date, as the cost page writes it.
  await page.goto("/");
  await expect(page.getByTestId("fleet-row-intentvision-worker")).toContainText(worker.text.monthToDate);
});
