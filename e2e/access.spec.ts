import { expect, test } from "@playwright/test";
import { shot, storageState, type Role } from "./support";

test.describe("anonymous visitors", () => {
  test("are sent to sign-in, which lists one local account per role", async ({ page }) => {
    await page.goto("/audit?outcome=denied");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faudit%3Foutcome%3Ddenied$/);
    for (const role of ["viewer", "developer", "operator", "admin"]) {
      await expect(page.getByRole("button", { name: new RegExp(`Sign in as ${role}@runway\\.local`) })).toBeVisible();
    }
    await shot(page, "signin");
  });

  test("get 401 from APIs other than health", async ({ request }) => {
    const res = await request.get("/api/anything", { maxRedirects: 0 });
    expect(res.status()).toBe(401);
  });

  test("can read the health endpoint", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body.status).toBe("ok");
    expect(body.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: "database", ok: true })]));
  });

  test("return to the page they asked for after signing in", async ({ page }) => {
    await page.goto("/audit");
    await page.getByRole("button", { name: /Sign in as viewer@runway\.local/ }).click();
    await expect(page).toHaveURL("/audit");
    await expect(page.getByRole("heading", { name: "Audit" })).toBeVisible();
  });
});

const navFor: Record<Role, { visible: string[]; hidden: string[] }> = {
  viewer: { visible: ["Fleet", "Audit"], hidden: ["Secrets", "Users", "Settings"] },
  developer: { visible: ["Fleet", "Secrets", "Audit"], hidden: ["Users", "Settings"] },
  operator: { visible: ["Fleet", "Secrets", "Audit"], hidden: ["Users", "Settings"] },
  admin: { visible: ["Fleet", "Secrets", "Audit", "Users", "Settings"], hidden: [] },
};

for (const role of Object.keys(navFor) as Role[]) {
  test.describe(`as ${role}`, () => {
    test.use({ storageState: storageState(role) });

    test("navigation shows what the role may open", async ({ page }) => {
      await page.goto("/");
      const nav = page.getByRole("navigation", { name: "Main" });
      for (const label of navFor[role].visible) await expect(nav.getByRole("link", { name: label })).toBeVisible();
      for (const label of navFor[role].hidden) await expect(nav.getByRole("link", { name: label })).toHaveCount(0);
      await expect(page.getByText(role, { exact: true }).first()).toBeVisible();
    });

    if (role !== "admin") {
      test("the Users and Settings pages are refused", async ({ page }) => {
        for (const path of ["/users", "/settings"]) {
          await page.goto(path);
          await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
          await expect(page.getByText(`You are signed in as ${role}`)).toBeVisible();
          await expect(page.getByRole("combobox")).toHaveCount(0);
        }
      });
    }
  });
}

test.describe("keyboard", () => {
  test.use({ storageState: storageState("admin") });
  test("g then a letter moves between areas", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator('nav[data-shortcuts="on"]')).toBeVisible();
    await page.keyboard.press("g");
    await page.keyboard.press("u");
    await expect(page).toHaveURL("/users");
    await expect(page.locator('nav[data-shortcuts="on"]')).toBeVisible();
    await page.keyboard.press("g");
    await page.keyboard.press("a");
    await expect(page).toHaveURL("/audit");
  });
});

test.describe("signing out", () => {
  test("ends the session", async ({ browser }) => {
    // A session of its own, so that signing out does not end the shared ones.
    const page = await (await browser.newContext()).newPage();
    await page.goto("/signin");
    await page.getByRole("button", { name: /Sign in as developer@runway\.local/ }).click();
    await expect(page).toHaveURL("/");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/signin/);
  });
});
