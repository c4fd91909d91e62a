import { ExecutionsClient, TasksClient } from "@google-cloud/run";
import { expect, test, type Page } from "@playwright/test";
import { grpc } from "google-gax";
import { E2E } from "../playwright.config";
import { shot, storageState } from "./support";

const MIGRATE = "projects/pyplots-prod/locations/europe-west4/jobs/pyplots-migrate";

/** The env each container of an execution and of each of its tasks ran with, as Cloud Run's jobs API reads them. */
async function executionEnv(executionId: string) {
  process.env.METADATA_SERVER_DETECTION ??= "none";
  const opts = {
    apiEndpoint: "127.0.0.1",
    port: E2E.emulatorGrpcPort,
    sslCreds: grpc.credentials.createInsecure(),
    projectId: "pyplots-prod",
  };
  const executions = new ExecutionsClient(opts);
  const tasks = new TasksClient(opts);
  try {
    const name = `${MIGRATE}/executions/${executionId}`;
    const [execution] = await executions.getExecution({ name }, { timeout: 20_000 });
    const [list] = await tasks.listTasks({ parent: name }, { timeout: 20_000 });
    const env = (containers: { env?: { name?: string | null; value?: string | null }[] | null }[] | null | undefined) =>
      (containers ?? []).map((c) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value])));
    return {
      execution: env(execution.template?.containers),
      tasks: list.map((t) => env(t.containers)),
      taskCount: execution.taskCount ?? 0,
    };
  } finally {
    await executions.close();
    await tasks.close();
  }
}

// Schedules & jobs through the UI against the seeded emulator: the AI
// analytics daily schedule (run now, pause, resume) and the pyplots-migrate
// Cloud Run job (run with overrides, followed to the end). The seeded ids are
// found on the page by what they call, not assumed.

async function openSchedules(page: Page) {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Schedules & jobs" }).click();
  await expect(page.getByRole("heading", { name: "Schedules & jobs", level: 1 })).toBeVisible();
}

/** The row of the schedule that calls the analytics pipeline. */
const analyticsRow = (page: Page) =>
  page
    .locator('tr[data-testid^="schedule-row-"]')
    .filter({ hasText: "ai-usage-analytics-pipeline" })
    .filter({ hasText: "/run-daily-job" })
    .first();

test.describe("schedules and jobs, as a developer", () => {
  test.use({ storageState: storageState("developer") });

  test("runs the analytics pipeline now and sees the attempt succeed with its duration; pauses and resumes it", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await openSchedules(page);
    const row = analyticsRow(page);
    await expect(row).toContainText("At 06:00");
    await expect(row).toContainText("America/Los_Angeles");
    // Next runs in Pacific time and in UTC, and 30 days of history from the execution log.
    await expect(row).toContainText(/\d{4}-\d\d-\d\d 06:00 P[SD]T/);
    await expect(row).toContainText(/\d{4}-\d\d-\d\d 1[34]:00 UTC/);
    await expect(row).toContainText(/% of \d+ runs/);
    await shot(page, "schedules");
    await row.getByRole("link").first().click();
    await expect(page.getByRole("list", { name: "Next runs", exact: true }).getByRole("listitem")).toHaveCount(3);
    await shot(page, "schedule-analytics");

    const clicked = Date.now();
    await page.getByRole("button", { name: "Run now" }).click();
    // The page watches until the attempt is in the execution log and finished.
    const newest = page.getByTestId("attempt-row").first();
    const startedAt = async () =>
      Date.parse((await newest.locator("td").first().innerText()).replace(" UTC", ":00Z").replace(" ", "T"));
    await expect.poll(startedAt, { timeout: 90_000 }).toBeGreaterThanOrEqual(Math.floor(clicked / 60_000) * 60_000);
    await expect(newest).toContainText("succeeded", { timeout: 90_000 });
    await expect(newest.getByTestId("attempt-duration")).toHaveText(/^\d+(\.\d)? s$|^\d+ min/);
    await shot(page, "schedule-analytics-after-run");

    await page.getByRole("button", { name: "Pause" }).click();
    await expect(page.getByRole("status").filter({ hasText: "is paused" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("paused");
    await expect(page.getByText("none while paused")).toBeVisible();
    // Run now on the paused job says so.
    await page.getByRole("button", { name: "Run now" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "is paused, so it was not run" })).toBeVisible();
    await page.getByRole("button", { name: "Resume" }).click();
    await expect(page.getByRole("status").filter({ hasText: "is enabled again" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("enabled");
    await expect(page.getByRole("list", { name: "Next runs", exact: true }).getByRole("listitem")).toHaveCount(3);
  });

  test("runs pyplots-migrate with overrides and sees the execution finish", async ({ page }) => {
    test.setTimeout(180_000);
    await openSchedules(page);
    await page.getByTestId("run-job-row-pyplots-migrate").getByRole("link", { name: "pyplots-migrate" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("pyplots-migrate");
    await page.getByLabel("Environment (NAME=value per line)").fill("MIGRATE_NOTE=e2e");
    await page.getByRole("button", { name: "Run job" }).click();
    const progress = page.getByRole("region", { name: "Operation progress" });
    await expect(progress).toBeVisible();
    await expect(progress.getByText("succeeded", { exact: true })).toBeVisible({ timeout: 120_000 });
    await expect(progress.locator('li[data-state="done"]')).toHaveCount(3);
    await expect(progress).toContainText(/(\d+) of \1 tasks done/);
    // The newest execution is the one just run, finished, with its tasks and a logs link.
    const newest = page.locator('tr[data-testid^="execution-row-"]').first();
    await expect(newest).toContainText("succeeded");
    await expect(newest.getByTestId("execution-duration")).toHaveText(/^\d+(\.\d)? s$|^\d+ min/);
    await expect(newest.getByRole("link", { name: "Logs" })).toHaveAttribute(
      "href",
      /\/logs\?project=pyplots-prod&job=pyplots-migrate&execution=pyplots-migrate-/,
    );
    // The override reached Cloud Run: the execution and every one of its tasks ran with MIGRATE_NOTE=e2e.
    const executionId = new URL(
      (await newest.getByRole("link", { name: "Logs" }).getAttribute("href"))!,
      "http://portal",
    ).searchParams.get("execution")!;
    const ran = await executionEnv(executionId);
    expect(ran.execution.map((env) => env.MIGRATE_NOTE)).toEqual(["e2e"]);
    expect(ran.tasks).toHaveLength(ran.taskCount);
    expect(ran.tasks.length).toBeGreaterThan(0);
    for (const containers of ran.tasks) expect(containers.map((env) => env.MIGRATE_NOTE)).toEqual(["e2e"]);
    await shot(page, "job-pyplots-migrate");
    // Its logs: the Logs page filtered to this execution shows what its tasks printed.
    await newest.getByRole("link", { name: "Logs" }).click();
    await expect(page.getByLabel("Cloud Run job")).toHaveValue("pyplots-migrate");
    await expect(page.getByRole("log", { name: "Log entries" })).toContainText("task 2 done");
  });
});

test.describe("schedules and jobs, as a viewer", () => {
  test.use({ storageState: storageState("viewer") });

  test("sees everything and no controls", async ({ page }) => {
    await openSchedules(page);
    await expect(analyticsRow(page)).toContainText(/% of \d+ runs/);
    await expect(page.getByTestId("run-job-row-pyplots-migrate")).toBeVisible();
    await analyticsRow(page).getByRole("link").first().click();
    await expect(page.getByRole("list", { name: "Next runs", exact: true })).toBeVisible();
    await expect(page.getByTestId("attempt-row").first()).toBeVisible();
    for (const name of ["Run now", "Pause", "Resume", "Save schedule", "Save targets"])
      await expect(page.getByRole("button", { name })).toHaveCount(0);
    await shot(page, "schedule-viewer");
    await page.goto("/schedules");
    await page.getByTestId("run-job-row-pyplots-migrate").getByRole("link", { name: "pyplots-migrate" }).click();
    await expect(page.locator('tr[data-testid^="execution-row-"]').first()).toBeVisible();
    for (const name of ["Run job", "Cancel"]) await expect(page.getByRole("button", { name })).toHaveCount(0);
    // The service page lists the schedules that call it.
    await page.goto("/services/ai-usage-analytics-prod/us-central1/ai-usage-analytics-pipeline");
    const calling = page
      .locator("section")
      .filter({ has: page.getByRole("heading", { name: "Schedules that call ai-usage-analytics-pipeline" }) });
    await expect(calling.getByRole("link", { name: "ai-usage-daily-pipeline" })).toBeVisible();
  });
});
