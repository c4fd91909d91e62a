// WCAG 2 A/AA on every page, in light and dark mode, and the keyboard path through a dialog.
// Routes are read from app/ so a new page is checked without touching this file; a new
// dynamic route fails here until it is given a seeded example below.
import { readdirSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { request } from "../emulator/testing/http";
import { E2E } from "../playwright.config";
import { storageState } from "./support";

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** One seeded resource for every dynamic segment, by route pattern. */
const EXAMPLES: Record<string, string> = {
  "/services/[project]/[region]/[service]": "/services/intentvision-prod/us-central1/intentvision-api",
  "/services/[project]/[region]/[service]/deploy": "/services/intentvision-prod/us-central1/intentvision-api/deploy",
  "/secrets/[project]/[secret]": "/secrets/pyplots-prod/db-password",
  "/schedules/[project]/[location]/[job]": "/schedules/ai-usage-analytics-prod/us-central1/ai-usage-daily-pipeline",
  "/schedules/jobs/[project]/[location]/[job]": "/schedules/jobs/pyplots-prod/europe-west4/pyplots-migrate",
};

/** Every page route under app/, as a pattern: route groups dropped, dynamic segments kept. */
function pageRoutes(dir = "app", segments: string[] = []): string[] {
  const routes: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (entry.name === "api" || entry.name.startsWith("_") || entry.name.startsWith("@")) continue;
      const group = /^\(.*\)$/.test(entry.name);
      routes.push(...pageRoutes(path.join(dir, entry.name), group ? segments : [...segments, entry.name]));
    } else if (/^page\.(tsx|ts|jsx|js|mdx)$/.test(entry.name)) {
      routes.push("/" + segments.join("/"));
    }
  }
  return routes.sort();
}

/** Where a static route is visited with a query, so that the page has content to check. */
const QUERIES: Record<string, string> = { "/logs": "?project=intentvision-prod&service=intentvision-api" };

const SIGNED_OUT = ["/signin"];
const routes = pageRoutes();
const SERVICE_HOST = "intentvision-api.us-central1.localhost";

/** The page once its server render and client loading states are done. */
async function settle(page: Page) {
  await expect(page.locator("h1").first()).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 30_000 });
  await page.waitForLoadState("networkidle");
}

/** Pages whose content arrives later than the page: the logs list and the charts (once a minute is complete). */
async function waitForContent(page: Page, url: string) {
  const content = url.startsWith("/logs")
    ? page.getByTestId("log-line").first()
    : url === EXAMPLES["/services/[project]/[region]/[service]"]
      ? page.getByRole("region", { name: "Request rate" }).getByRole("img", { name: /^Request rate chart/ })
      : null;
  if (!content) return;
  test.setTimeout(150_000);
  await expect(async () => {
    await page.goto(url);
    await expect(content).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 100_000, intervals: [5_000] });
}

/** axe's WCAG A/AA findings, one readable line per rule and page element. */
async function violations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return violations.flatMap((v) =>
    v.nodes.map(
      (n) =>
        `${v.id} (${v.impact}) ${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1, 2).join("").trim() ?? v.help}`,
    ),
  );
}

// Requests (and a 404) to one service, so its logs and charts have something to show.
test.beforeAll(async () => {
  for (const p of ["/health", "/", "/health", "/a11y-missing-page"])
    await request(E2E.emulatorRouterPort, SERVICE_HOST, p);
});

test("every page route has an example to visit", () => {
  expect(routes).toContain("/");
  const missing = routes.filter((r) => r.includes("[") && !EXAMPLES[r]);
  expect(missing, "dynamic routes without a seeded example in EXAMPLES").toEqual([]);
});

for (const theme of ["light", "dark"] as const) {
  test.describe(`WCAG 2 A/AA, ${theme} mode`, () => {
    test.use({ colorScheme: theme });

    test.describe("signed in as admin", () => {
      test.use({ storageState: storageState("admin") });
      for (const route of routes.filter((r) => !SIGNED_OUT.includes(r))) {
        const url = EXAMPLES[route] ?? route + (QUERIES[route] ?? "");
        test(`${url} has no violations`, async ({ page }) => {
          await page.goto(url);
          await waitForContent(page, url);
          await settle(page);
          await expect(page.locator("html")).toHaveClass(theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
          expect(await violations(page), `axe on ${url} (${theme})`).toEqual([]);
        });
      }
    });

    test.describe("signed out", () => {
      test.use({ storageState: { cookies: [], origins: [] } });
      for (const url of SIGNED_OUT) {
        test(`${url} has no violations`, async ({ page }) => {
          await page.goto(url);
          await settle(page);
          expect(await violations(page), `axe on ${url} (${theme})`).toEqual([]);
        });
      }
    });
  });
}

/** The focused control shows a focus ring: a solid outline at least 2 px wide. */
async function expectFocusRing(control: Locator) {
  await expect(control).toBeFocused();
  const ring = await control.evaluate((el) => ({
    style: getComputedStyle(el).outlineStyle,
    width: parseFloat(getComputedStyle(el).outlineWidth),
  }));
  expect(ring.style).not.toBe("none");
  expect(ring.width).toBeGreaterThanOrEqual(2);
}

test.describe("keyboard only", () => {
  test.use({ storageState: storageState("operator") });

  test("skip to content, then the restore dialog: focus moves in, stays in, Escape and Cancel return it to Restore…", async ({
    page,
  }) => {
    await page.goto("/databases");
    await settle(page);
    const keys = page.keyboard;

    await keys.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expectFocusRing(skip);
    await expect(skip).toBeVisible();
    await keys.press("Enter");
    await expect(page.locator("main")).toBeFocused();

    const restore = page.getByTestId("backups-pyplots-db").getByRole("button", { name: "Restore…" });
    for (let presses = 0; presses < 40 && !(await restore.evaluate((el) => el === document.activeElement)); presses++)
      await keys.press("Tab");
    await expectFocusRing(restore);

    await keys.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Restore pyplots-db" });
    await expect(dialog).toBeVisible();
    const backup = dialog.getByLabel("Backup");
    const target = dialog.getByLabel("Target instance");
    const confirm = dialog.getByLabel("Type pyplots-db to confirm");
    const cancel = dialog.getByRole("button", { name: "Cancel" });
    const go = dialog.getByRole("button", { name: "Restore into pyplots-db" });
    await expect(backup).toBeFocused();
    expect(await violations(page), "axe with the restore dialog open").toEqual([]);

    // Tab runs through the dialog and wraps (Restore is disabled until the name is typed); Shift+Tab wraps back.
    for (const next of [target, confirm, cancel, backup]) {
      await keys.press("Tab");
      await expect(next).toBeFocused();
    }
    await keys.press("Shift+Tab");
    await expect(cancel).toBeFocused();
    await keys.press("Shift+Tab");
    await expectFocusRing(confirm);
    await keys.type("pyplots-db");
    await expect(go).toBeEnabled();
    await keys.press("Tab");
    await keys.press("Tab");
    await expectFocusRing(go);
    await keys.press("Tab");
    await expect(backup).toBeFocused();

    await keys.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(restore).toBeFocused();

    // Opened again, the typed name is gone (nothing is armed), and Cancel by keyboard also returns focus.
    await keys.press("Enter");
    await expect(confirm).toHaveValue("");
    await expect(go).toBeDisabled();
    for (const next of [target, confirm, cancel]) {
      await keys.press("Tab");
      await expect(next).toBeFocused();
    }
    await keys.press("Enter");
    await expect(dialog).toHaveCount(0);
    await expect(restore).toBeFocused();
  });
});

test.describe("shell", () => {
  test.use({ storageState: storageState("admin"), viewport: { width: 1280, height: 600 } });

  test("the sidebar's background runs the full height of a long page", async ({ page }) => {
    await page.goto(EXAMPLES["/services/[project]/[region]/[service]"]);
    await settle(page);
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(pageHeight).toBeGreaterThan(1200);
    const sidebar = await page.getByRole("complementary").boundingBox();
    expect(sidebar!.height).toBeGreaterThanOrEqual(pageHeight - 1);
  });

  test("with prefers-reduced-motion, transitions are off", async ({ page }) => {
    const transition = async () =>
      parseFloat(
        await page.getByRole("button", { name: "Sign out" }).evaluate((el) => getComputedStyle(el).transitionDuration),
      );
    await page.goto("/");
    expect(await transition()).toBeGreaterThanOrEqual(0.1);
    await page.emulateMedia({ reducedMotion: "reduce" });
    expect(await transition()).toBeLessThan(0.001);
  });
});
