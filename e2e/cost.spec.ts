// Cost insight as people use it: an operator creates a budget (a bad amount is
// refused with a field error first, nothing saved) and sees its forecast line;
// a developer follows a right-sizing suggestion into the deploy form,
// prefilled and not yet deployed; the CSV export has the page's rows.
import { BudgetServiceClient } from "@google-cloud/billing-budgets";
import { expect, test } from "@playwright/test";
import { grpc } from "google-gax";
import { E2E } from "../playwright.config";
import { shot, storageState } from "./support";

const ACCOUNT = "billingAccounts/01A2B3-C4D5E6-F7A8B9";

async function budgetNames(): Promise<string[]> {
  process.env.METADATA_SERVER_DETECTION ??= "none";
  const client = new BudgetServiceClient({
    apiEndpoint: "127.0.0.1",
    port: E2E.emulatorGrpcPort,
    sslCreds: grpc.credentials.createInsecure(),
    projectId: "runway-e2e",
  });
  try {
    const [list] = await client.listBudgets({ parent: ACCOUNT }, { timeout: 20_000 });
    return list.map((b) => b.displayName ?? "");
  } finally {
    await client.close();
  }
}

test.describe("as an operator", () => {
  test.use({ storageState: storageState("operator") });

  test("creates a budget for a project and sees its forecast line", async ({ page }) => {
    await page.goto("/costs");
    // The plans' budgets are there from the seed.
    await expect(page.getByTestId("budget-pyplots monthly")).toContainText("$25.00 a month");
    await page.getByRole("button", { name: "New budget" }).click();
    const form = page.getByRole("form", { name: "New budget" });
    await form.getByLabel("Name").fill("elevendops e2e");
    await form.getByLabel("Scope").selectOption("elevendops-prod");
    await form.getByLabel(/Amount per month/).fill("0");
    await form.getByLabel(/Alert at/).fill("50, 90, 100");
    await form.getByRole("button", { name: "Create budget" }).click();
    await expect(form.getByText("The amount must be more than zero.")).toBeVisible();
    expect(await budgetNames()).not.toContain("elevendops e2e");

    await form.getByLabel(/Amount per month/).fill("40");
    await form.getByRole("button", { name: "Create budget" }).click();
    const card = page.getByTestId("budget-elevendops e2e");
    await expect(card).toContainText("elevendops-prod · $40.00 a month");
    await expect(card).toContainText(/forecast \$[\d.,]+ by month end|forecast < \$0\.01 by month end/);
    await expect(card.getByRole("img", { name: /forecast line to/ })).toBeVisible();
    await expect(card.getByTestId("budget-forecast-line")).toHaveCount(1);
    await expect(card.getByText(/^50 %: /)).toBeVisible();
    expect(await budgetNames()).toContain("elevendops e2e");
    await shot(page, "costs-budgets");
  });
});

test.describe("as a developer", () => {
  test.use({ storageState: storageState("developer") });

  test("follows a right-sizing suggestion into the deploy form, prefilled, with nothing deployed", async ({ page }) => {
    // shortfactory-frontend keeps one instance warm (request-based billing) and gets few requests:
    // once its idle minutes are in Monitoring (read every 5 minutes), the page suggests min instances 0.
    test.setTimeout(900_000);
    // Other specs may have deployed to this service before: count its revisions now, to compare after.
    const servicePage = "/services/shortfactory-prod/us-central1/shortfactory-frontend";
    await page.goto(servicePage);
    const revisions = page.getByRole("heading", { name: /^Revisions \(\d+\)$/ });
    await expect(revisions).toBeVisible();
    const before = await revisions.textContent();
    const suggestion = page.getByTestId("recommendation-shortfactory-frontend-min-instances");
    await expect(async () => {
      await page.goto("/costs");
      await expect(suggestion).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 420_000, intervals: [10_000] });
    await expect(suggestion).toContainText(/Set min instances to 0 — saves about \$[\d.,]+ a month/);
    await shot(page, "costs");
    await suggestion.getByRole("link", { name: "Deploy with this setting" }).click();
    await expect(page).toHaveURL(
      /\/services\/shortfactory-prod\/us-central1\/shortfactory-frontend\/deploy\?minInstances=0/,
    );
    await expect(page.getByTestId("deploy-prefilled")).toContainText("min instances 1 → 0");
    await expect(page.getByLabel("Min instances")).toHaveValue("0");
    // Everything else as it runs now.
    await expect(page.getByLabel("CPU allocation (billing)")).toHaveValue("request");
    await expect(page.getByLabel("Memory")).toHaveValue("512Mi");
    await expect(page.getByRole("button", { name: "Deploy" })).toBeEnabled();
    await shot(page, "deploy-prefilled");
    // Following the link deployed nothing: the service has the revisions it had before.
    await page.goto(servicePage);
    await expect(revisions).toHaveText(before!);
    // Its cost panel prices the idling warm instance apart (read every 5 minutes, like the suggestion).
    await expect(async () => {
      await page.goto(servicePage);
      await expect(page.getByTestId("min-instance-idle-cost")).toContainText(/Min-instance idle: \$[\d.,]+ a day/, {
        timeout: 2_000,
      });
    }).toPass({ timeout: 420_000, intervals: [10_000] });
  });

  test("exports the report as CSV with one row per service", async ({ page }) => {
    test.setTimeout(480_000);
    let lines: string[] = [];
    // Its warm min instance idles (request-based billing): a cost of its own, once Monitoring has its idle minutes.
    await expect(async () => {
      const response = await page.request.get("/costs/export");
      expect(response.status()).toBe(200);
      expect(response.headers()["content-type"]).toContain("text/csv");
      lines = (await response.text()).trim().split("\r\n");
      const frontend = lines
        .find((l) => l.startsWith("shortfactory-prod,us-central1,shortfactory-frontend,request,"))!
        .split(",");
      expect(Number(frontend[10])).toBeGreaterThan(0);
    }).toPass({ timeout: 420_000, intervals: [10_000] });
    expect(lines[0]).toBe(
      "project,region,service,billing,vcpu_seconds,gib_seconds,requests,cpu_cost,memory_cost,request_cost,min_instance_idle_cost,month_to_date,forecast,currency,week_over_week,month_over_month,flag",
    );
    // The idle line is part of the month to date.
    const frontend = lines
      .find((l) => l.startsWith("shortfactory-prod,us-central1,shortfactory-frontend,request,"))!
      .split(",");
    expect(Number(frontend[11])).toBeGreaterThanOrEqual(Number(frontend[10]));
    expect(lines.every((l, i) => i === 0 || l.split(",")[13] === "USD")).toBe(true);
  });
});
