import { expect, test, type Page } from "@playwright/test";
import { pyplots, shot, storageState, waitForOperation } from "./support";

test.describe("secrets", () => {
  test.use({ storageState: storageState("developer") });

  test("a developer sees each project's secrets, their versions and who reads them, never a value", async ({
    page,
  }) => {
    await page.goto("/secrets");
    const row = page.getByTestId("secret-row-db-connection-string");
    await expect(row).toContainText("enabled");
    await expect(row.getByRole("link", { name: "pyplots-api" })).toBeVisible();
    await expect(row).toContainText("DATABASE_URL");
    await expect(page.locator("body")).not.toContainText("postgres://");
    await shot(page, "secrets");
  });

  test("a developer can open a secret but cannot rotate it", async ({ page }) => {
    await page.goto("/secrets/pyplots-prod/db-password");
    await expect(page.getByRole("heading", { name: "db-password" })).toBeVisible();
    await expect(page.getByText("Rotation needs the operator role; you are developer.")).toBeVisible();
    await expect(page.getByRole("button", { name: /^Rotate/ })).toHaveCount(0);
  });
});

/** The version rows of the secret page, newest first, as "v2 enabled". */
async function versionStates(page: Page) {
  return (await page.locator('[data-testid^="version-"]').allInnerTexts()).map(
    (t) => `${/v\d+/.exec(t)?.[0]} ${/enabled|disabled|destroyed/.exec(t)?.[0]}`,
  );
}

test.describe("rotating db-password", () => {
  test.use({ storageState: storageState("operator") });
  test.describe.configure({ mode: "serial" });

  test("generates a value, sets the Cloud SQL user, redeploys pyplots-api, checks it and disables the old version", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const before = await pyplots("/plots");
    expect(before.status).toBe(200);
    await page.goto("/secrets");
    await page.getByTestId("secret-row-db-password").getByRole("link", { name: "db-password" }).click();
    await expect(page.getByRole("heading", { name: "db-password" })).toBeVisible();
    const form = page.getByRole("form", { name: "Rotate db-password" });
    // Linked to its Cloud SQL user by the secret's labels; pyplots-api is checked where it needs the database.
    await expect(form.getByLabel("This is a Cloud SQL user's password: set it there too")).toBeChecked();
    await expect(form.getByLabel("Instance")).toHaveValue("pyplots-db");
    await expect(form.getByLabel("Database user")).toHaveValue("pyplots");
    await expect(form.getByLabel("Check path for pyplots-api")).toHaveValue("/plots");
    await shot(page, "secret-rotate-form");
    const previous = (await versionStates(page))[0].split(" ")[0];

    await form.getByRole("button", { name: "Rotate db-password" }).click();
    const progress = await waitForOperation(page, "succeeded");
    await expect(progress.locator('li[data-state="done"]')).toHaveCount(4);
    await expect(progress.getByText("Set password of pyplots on pyplots-db")).toBeVisible();
    await expect(progress.getByText(/3 of 3 checks passed \(last: 200 on \/plots\)/)).toBeVisible();
    const added = `v${Number(previous.slice(1)) + 1}`;
    await expect
      .poll(async () => (await versionStates(page)).slice(0, 2))
      .toEqual([`${added} enabled`, `${previous} disabled`]);

    // A new revision of pyplots-api serves, with data from the database, under the new password.
    const after = await pyplots("/plots");
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body).count).toBe(JSON.parse(before.body).count);
    expect(after.revision).not.toBe(before.revision);
    await expect(page.locator("body")).not.toContainText("password authentication");
    await shot(page, "secret-rotated");

    await page.getByRole("link", { name: "pyplots-api" }).first().click();
    await expect(page.getByText(`rotate db-password to ${added}`).first()).toBeVisible();
  });

  test("a wrong value fails pyplots-api's checks and is rolled back while pyplots-api keeps serving", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const before = await pyplots("/plots");
    expect(before.status).toBe(200);
    await page.goto("/secrets/pyplots-prod/db-password");
    const previous = (await versionStates(page))[0].split(" ")[0];
    const n = Number(previous.slice(1));
    const form = page.getByRole("form", { name: "Rotate db-password" });
    await form.getByLabel("Enter a value").check();
    // Said to be changed in Cloud SQL already, but it was not: the new revision cannot connect.
    await form.getByLabel("This is a Cloud SQL user's password: set it there too").uncheck();
    await form.getByLabel("New value", { exact: true }).fill("typed-wrong-password-42");
    await form.getByLabel("New value again").fill("typed-wrong-password-4");
    await form.getByRole("button", { name: "Rotate db-password" }).click();
    await expect(form.getByText("The two values differ.")).toBeVisible();
    await form.getByLabel("New value again").fill("typed-wrong-password-42");
    await form.getByRole("button", { name: "Rotate db-password" }).click();

    const progress = await waitForOperation(page, "failed");
    await expect(progress.getByRole("alert")).toContainText("failed its checks: 500 on /plots");
    await expect(progress.getByRole("alert")).toContainText(
      `Rolled back: traffic of pyplots-api back to 100% ${before.revision}`,
    );
    await expect(progress.getByRole("alert")).toContainText(
      `${previous}'s value is the latest again as v${n + 2}; v${n + 1} disabled`,
    );
    await expect
      .poll(async () => (await versionStates(page)).slice(0, 3))
      .toEqual([`v${n + 2} enabled`, `v${n + 1} disabled`, `${previous} enabled`]);
    const after = await pyplots("/plots");
    expect(after.status).toBe(200);
    expect(after.revision).toBe(before.revision);
    await expect(page.locator("body")).not.toContainText("typed-wrong-password");
    await shot(page, "secret-rotation-rolled-back");
  });
});

test.describe("secrets as a viewer", () => {
  test.use({ storageState: storageState("viewer") });

  test("are not listed for viewers", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Secrets" })).toHaveCount(0);
    await page.goto("/secrets");
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  });
});
