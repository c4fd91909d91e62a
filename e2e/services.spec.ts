import { expect, test, type Page } from "@playwright/test";
import { shot, storageState } from "./support";

// Drives deploys, traffic and rollback on one seeded service through the UI,
// and checks what its URLs serve (Chromium resolves *.localhost to loopback).
const SERVICE = "/services/pyplots-prod/europe-west4/pyplots-frontend";

/** Opens a service or tag URL in a browser tab (Node would not resolve *.localhost). */
async function servedRevision(page: Page, url: string): Promise<string> {
  const tab = await page.context().newPage();
  const res = await tab.goto(url);
  expect(res?.status()).toBe(200);
  const revision = res!.headers()["x-runway-revision"];
  expect(await tab.locator("body").innerText()).toContain(revision);
  await tab.close();
  return revision;
}

async function waitForOperation(page: Page, state: "succeeded" | "failed") {
  const progress = page.getByRole("region", { name: "Operation progress" });
  await expect(progress).toBeVisible();
  await expect(progress.getByText(state, { exact: true })).toBeVisible({ timeout: 60_000 });
  return progress;
}

/** Sets the percent of the untagged editor row of `revision`. */
async function setPercent(page: Page, revision: string, percent: number) {
  const rows = await page.locator('input[aria-label^="Percent of row"]').count();
  for (let i = 1; i <= rows; i++) {
    if ((await page.getByLabel(`Revision of row ${i}`, { exact: true }).inputValue()) !== revision) continue;
    if (await page.getByLabel(`Tag of row ${i}`, { exact: true }).inputValue()) continue;
    await page.getByLabel(`Percent of row ${i}`, { exact: true }).fill(String(percent));
    return;
  }
  throw new Error(`no editor row for ${revision}`);
}

async function openTrafficEditor(page: Page) {
  if (!(await page.getByTestId("traffic-total").isVisible())) await page.getByText("Edit traffic").click();
  await expect(page.getByTestId("traffic-total")).toBeVisible();
}

function serviceUrl(page: Page) {
  return page.locator("h1 + a").getAttribute("href");
}

test.describe.configure({ mode: "serial" });

test.describe("as a developer", () => {
  test.use({ storageState: storageState("developer") });

  test("deploys a new tag and sees the new revision serve the service URL", async ({ page }) => {
    await page.goto(SERVICE);
    await page.getByRole("link", { name: "Deploy" }).click();
    await page
      .getByLabel("Image (with tag or digest)")
      .fill("europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-frontend:v8");
    await page.getByLabel("Change reference (optional: commit or ticket)").fill("PR-808");
    await page.getByRole("button", { name: "Deploy" }).click();
    await expect(page).toHaveURL(/\?op=/);
    const progress = await waitForOperation(page, "succeeded");
    await expect(progress.locator('li[data-state="done"]')).toHaveCount(4);
    await page.reload(); // progress survives a reload
    await expect(
      page.getByRole("region", { name: "Operation progress" }).getByText("succeeded", { exact: true }),
    ).toBeVisible();
    const revision = await progress.locator("code").innerText();
    const row = page.getByTestId(`revision-row-${revision}`);
    await expect(row).toContainText("v8");
    await expect(row).toContainText("developer@runway.local");
    await expect(row).toContainText("PR-808");
    await expect(row).toContainText("100%");
    expect(await servedRevision(page, (await serviceUrl(page))!)).toBe(revision);
    await shot(page, "service-after-deploy");
  });

  test("deploys without traffic under a tag, reaches it at the tag URL, then shifts 10% to it", async ({ page }) => {
    await page.goto(SERVICE);
    const before = await servedRevision(page, (await serviceUrl(page))!);
    await page.getByRole("link", { name: "Deploy" }).click();
    await page
      .getByLabel("Image (with tag or digest)")
      .fill("europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-frontend:v9");
    await page.getByLabel("No traffic yet: reach it at a tagged URL (blue/green)").check();
    await page.getByLabel("Tag", { exact: true }).fill("green");
    await page.getByRole("button", { name: "Deploy" }).click();
    const progress = await waitForOperation(page, "succeeded");
    const green = await progress.locator("code").innerText();
    const tagLink = page.getByRole("link", { name: /^http:\/\/green---pyplots-frontend\./ });
    expect(await servedRevision(page, (await tagLink.getAttribute("href"))!)).toBe(green);
    expect(await servedRevision(page, (await serviceUrl(page))!)).toBe(before);

    await openTrafficEditor(page);
    await page.getByLabel("Rollout candidate").selectOption(green);
    await page.getByRole("button", { name: "Advance to 5%" }).click();
    await waitForOperation(page, "succeeded");
    // The page refreshes after the operation; edit only once it shows the 5% step.
    await expect(page.getByTestId(`revision-row-${green}`)).toContainText("5%");
    await openTrafficEditor(page);
    // Set 90/10 by hand in the editor.
    await expect(page.getByTestId("traffic-total")).toHaveText("Total 100%");
    await setPercent(page, green, 10);
    await expect(page.getByTestId("traffic-total")).toHaveText("Total 105%");
    await expect(page.getByRole("button", { name: "Apply split" })).toBeDisabled();
    await setPercent(page, before, 90);
    await expect(page.getByTestId("traffic-total")).toHaveText("Total 100%");
    await page.getByRole("button", { name: "Apply split" }).click();
    await waitForOperation(page, "succeeded");
    await expect(page.getByTestId(`revision-row-${green}`)).toContainText("10%");
    await expect(page.getByTestId(`revision-row-${before}`)).toContainText("90%");
    await shot(page, "service-split");
  });

  test("rolls back to the previous serving revision after confirming what will change", async ({ page }) => {
    await page.goto(SERVICE);
    await page.getByRole("button", { name: "Roll back" }).click();
    const dialog = page.getByRole("dialog", { name: "Confirm rollback" });
    await expect(dialog).toContainText("Now:");
    const target = (await dialog.getByRole("button", { name: /^Send all traffic to / }).innerText()).replace(
      "Send all traffic to ",
      "",
    );
    await dialog.getByRole("button", { name: /^Send all traffic to / }).click();
    await waitForOperation(page, "succeeded");
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId(`revision-row-${target}`)).toContainText("100%");
    expect(await servedRevision(page, (await serviceUrl(page))!)).toBe(target);
  });

  test("a broken image fails with the reason and traffic stays where it was", async ({ page }) => {
    await page.goto(SERVICE);
    const before = await servedRevision(page, (await serviceUrl(page))!);
    await page.getByRole("link", { name: "Deploy" }).click();
    await page
      .getByLabel("Image (with tag or digest)")
      .fill("europe-west4-docker.pkg.dev/pyplots-prod/app/does-not-exist:v1");
    await page.getByRole("button", { name: "Deploy" }).click();
    const progress = await waitForOperation(page, "failed");
    await expect(progress.getByRole("alert")).toContainText(/image/i);
    await expect(progress.locator('li[data-state="failed"]')).toHaveCount(1);
    expect(await servedRevision(page, (await serviceUrl(page))!)).toBe(before);
    await shot(page, "service-failed-deploy");
  });

  test("of two people editing traffic at once, the second is told of the conflict", async ({ browser }) => {
    const [a, b] = await Promise.all(
      [0, 1].map(async () => (await browser.newContext({ storageState: storageState("developer") })).newPage()),
    );
    for (const p of [a, b]) {
      await p.goto(SERVICE);
      await openTrafficEditor(p);
    }
    await a.getByRole("button", { name: "Send 100% to latest" }).click();
    await waitForOperation(a, "succeeded");
    await b.getByRole("button", { name: "Send 100% to latest" }).click();
    await expect(b.getByRole("alert").filter({ hasText: "was changed" })).toContainText("after you opened it");
    await shot(b, "traffic-conflict");
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageState("viewer") });

  test("sees the fleet and a service but no controls that change them", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("fleet-row-pyplots-frontend")).toBeVisible();
    await expect(page.getByRole("button", { name: "Send all to latest" })).toHaveCount(0);
    await page.goto(SERVICE);
    await expect(page.getByRole("heading", { name: /pyplots-frontend/ })).toBeVisible();
    await expect(page.getByRole("link", { name: "Deploy" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Roll back" })).toHaveCount(0);
    await expect(page.getByText("Edit traffic")).toHaveCount(0);
    await page.goto(`${SERVICE}/deploy`);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  });
});

test("a viewer's direct call to a service action is refused and audited", async ({ browser }) => {
  const dev = await (await browser.newContext({ storageState: storageState("developer") })).newPage();
  await dev.goto(SERVICE);
  await openTrafficEditor(dev);
  const [request] = await Promise.all([
    dev.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"])),
    dev.getByRole("button", { name: "Send 100% to latest" }).click(),
  ]);
  await waitForOperation(dev, "succeeded");

  // Denials left by earlier runs or attempts stay listed: count them first, then expect one more.
  const denials = `/audit?outcome=denied&action=services.shift-traffic&actor=viewer%40runway.local&limit=200`;
  await dev.goto(denials);
  await expect(dev.getByRole("heading", { name: "Audit" })).toBeVisible();
  const deniedBefore = await dev.getByTestId("audit-row").count();

  const viewer = await browser.newContext({ storageState: storageState("viewer") });
  const res = await viewer.request.post(SERVICE, {
    headers: {
      "next-action": request.headers()["next-action"],
      "content-type": request.headers()["content-type"],
      accept: "text/x-component",
    },
    data: request.postDataBuffer()!,
  });
  expect(await res.text()).toContain("This needs the developer role; you are viewer.");
  // The editor's "Send 100% to latest" is a traffic shift.
  await dev.goto(denials);
  await expect(dev.getByTestId("audit-row")).toHaveCount(deniedBefore + 1);
  await expect(dev.getByTestId("audit-row").first()).toContainText("viewer@runway.local");
});

test.describe("the fleet", () => {
  test.use({ storageState: storageState("developer") });

  test("searches, filters and flags splits left in place", async ({ page }) => {
    await page.goto("/");
    await page.getByLabel("Search services").fill("short");
    await expect(page.locator('[data-testid^="fleet-row-"]')).toHaveCount(2);
    await page.getByLabel("Search services").fill("");
    await page.getByLabel("Status").selectOption("split");
    // The seed leaves shortfactory-backend on a 90/10 canary for weeks.
    await expect(page.getByTestId("fleet-row-shortfactory-backend")).toContainText(/split for \d+ h/);
    await shot(page, "fleet");
  });

  test("keeps a search typed while the rows show but the page's script has not run yet", async ({ page }) => {
    // The rows are in the HTML; the table's script is held back until the search is typed.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/_next\/static\/chunks\/.*\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto("/", { waitUntil: "commit" });
    await expect(page.getByTestId("fleet-row-pyplots-api")).toBeVisible();
    await page.getByLabel("Search services").fill("short");
    release();
    await expect(page.locator('[data-testid^="fleet-row-"]')).toHaveCount(2);
    await expect(page.getByTestId("fleet-row-shortfactory-backend")).toBeVisible();
  });
});
