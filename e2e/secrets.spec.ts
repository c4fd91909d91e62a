import { expect, test } from "@playwright/test";
import { shot, storageState } from "./support";

test.describe("secrets", () => {
  test.use({ storageState: storageState("developer") });

  test("a developer sees each project's secrets, their versions and who reads them, never a value", async ({ page }) => {
    await page.goto("/secrets");
    const row = page.getByTestId("secret-row-db-connection-string");
    await expect(row).toContainText("enabled");
    await expect(row.getByRole("link", { name: "pyplots-api" })).toBeVisible();
    await expect(row).toContainText("DATABASE_URL");
    await expect(page.locator("body")).not.toContainText("postgres://");
    await shot(page, "secrets");
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
