import { expect, test as setup } from "@playwright/test";
import { ROLES, shot, storageState } from "./support";

// Signs in once per role through the real sign-in page and keeps the session.
for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await page.goto("/signin");
    await page.getByRole("button", { name: new RegExp(`Sign in as ${role}@runway\\.local`) }).click();
    await expect(page).toHaveURL("/");
    await expect(page.getByTestId("current-user")).toHaveText(`${role}@runway.local`);
    if (role === "admin") await shot(page, "fleet-admin");
    await page.context().storageState({ path: storageState(role) });
  });
}
