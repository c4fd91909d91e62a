import { expect, test, type Locator } from "@playwright/test";
import { pyplots, shot, storageState, waitForOperation } from "./support";

/** The backup run ids listed in a backups section, newest first. */
const backupIds = async (section: Locator) =>
  (await section.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-testid") ?? ""))).map(
    (t) => t.replace("backup-row-", ""),
  );
const plotIds = async () => (JSON.parse((await pyplots("/plots")).body).plots as { id: string }[]).map((p) => p.id);

test.describe("databases", () => {
  test.use({ storageState: storageState("operator") });

  test("an operator backs up pyplots-db, then restores it after typing its name", async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Databases" }).click();
    await expect(page.getByTestId("instance-row-pyplots-db")).toContainText("runnable");
    await expect(page.getByTestId("instance-row-pyplots-db")).toContainText("pyplots-prod:europe-west4:pyplots-db");
    const backups = page.getByTestId("backups-pyplots-db");
    const rows = backups.locator("tbody tr");
    // Backups left by earlier runs or attempts are fine: only rows this test adds are checked.
    await expect(rows.first()).toBeVisible();
    const existing = await backupIds(backups);

    await backups.getByRole("button", { name: "Back up now" }).click();
    let progress = await waitForOperation(page, "succeeded");
    await expect(progress.locator('li[data-state="done"]')).toHaveCount(2);
    // The list shows the newest 20, so wait for the new id rather than for a row count.
    const added = async (known: string[]) => (await backupIds(backups)).filter((id) => !known.includes(id));
    await expect.poll(() => added(existing)).toHaveLength(1);
    const [backupId] = await added(existing);
    const created = page.getByTestId(`backup-row-${backupId}`);
    await expect(rows.first()).toHaveAttribute("data-testid", `backup-row-${backupId}`);
    await expect(created).toContainText("On-demand backup by operator");
    await expect(created).toContainText("SUCCESSFUL");

    // Lose rows through the sample app's API after the backup.
    const before = await plotIds();
    for (const id of before.slice(0, 3)) expect((await pyplots(`/plots/${id}`, "DELETE")).status).toBe(200);
    expect((await plotIds()).length).toBe(before.length - 3);

    await backups.getByRole("button", { name: "Restore…" }).click();
    const dialog = page.getByRole("dialog", { name: "Restore pyplots-db" });
    // The backup this test took, whatever else the list holds.
    await dialog.getByLabel("Backup", { exact: true }).selectOption(backupId);
    const go = dialog.getByRole("button", { name: "Restore into pyplots-db" });
    await expect(go).toBeDisabled();
    await dialog.getByLabel("Type pyplots-db to confirm").fill("pyplots-d");
    await expect(go).toBeDisabled();
    await dialog.getByLabel("Type pyplots-db to confirm").fill("pyplots-db");
    await expect(go).toBeEnabled();
    await go.click();
    progress = await waitForOperation(page, "succeeded");
    await expect(progress.locator('li[data-state="done"]')).toHaveCount(3);
    await expect(progress.getByText("Done", { exact: true })).toBeVisible();
    expect(await plotIds()).toEqual(before);
    // The automatic safety backup of the target is listed, newest.
    await expect.poll(() => added([...existing, backupId])).toHaveLength(1);
    const [safetyId] = await added([...existing, backupId]);
    await expect(rows.first()).toHaveAttribute("data-testid", `backup-row-${safetyId}`);
    await expect(rows.first()).toContainText("Automatic safety backup before restoring");
    await expect(page.getByTestId("instance-row-pyplots-db")).toContainText("runnable");
    await shot(page, "databases");
  });
});

test.describe("databases as a developer", () => {
  test.use({ storageState: storageState("developer") });

  test("are not listed, and the page says Not allowed", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Databases" })).toHaveCount(
      0,
    );
    await page.goto("/databases");
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  });
});
