import { expect, test, type Request } from "@playwright/test";
import { createUser, roleOf, shot, storageState } from "./support";

test.describe("roles and the audit trail", () => {
  test("an admin changes a role and the audit shows it", async ({ browser }) => {
    const email = `e2e-${Date.now()}@example.com`;
    const id = await createUser(email, "viewer");
    const page = await (await browser.newContext({ storageState: storageState("admin") })).newPage();

    await page.goto("/users");
    const row = page.getByTestId(`user-row-${email}`);
    await row.getByRole("combobox", { name: `Role of ${email}` }).selectOption("operator");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("status")).toHaveText(`${email} is now operator.`);
    expect(await roleOf(email)).toBe("operator");
    await expect(row.getByRole("combobox")).toHaveValue("operator");
    await page.reload();
    await expect(page.getByTestId(`user-row-${email}`).getByRole("combobox")).toHaveValue("operator");
    await shot(page, "users");

    await page.goto("/audit");
    await page.getByLabel("Action").selectOption("users.change-role");
    await page.getByLabel("Target (end with * for a prefix)").fill(`users/${id}`);
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/action=users.change-role/);
    const events = page.getByTestId("audit-row");
    await expect(events).toHaveCount(1);
    await expect(events.first()).toContainText("admin@runway.local");
    await expect(events.first()).toContainText("success");
    await events.first().getByText("show").click();
    await expect(events.first()).toContainText('"before": "viewer"');
    await expect(events.first()).toContainText('"after": "operator"');
    await shot(page, "audit");
  });

  test("a viewer's direct call to the action is refused, changes nothing and is audited", async ({ browser }) => {
    const email = `e2e-direct-${Date.now()}@example.com`;
    const id = await createUser(email, "viewer");

    // Record the exact request the admin's form sends to the server action…
    const admin = await (await browser.newContext({ storageState: storageState("admin") })).newPage();
    await admin.goto("/users");
    const row = admin.getByTestId(`user-row-${email}`);
    await row.getByRole("combobox").selectOption("developer");
    const [actionRequest] = await Promise.all([
      admin.waitForRequest((r: Request) => r.method() === "POST" && Boolean(r.headers()["next-action"])),
      row.getByRole("button", { name: "Save" }).click(),
    ]);
    await expect(row.getByRole("status")).toHaveText(`${email} is now developer.`);
    const headers = actionRequest.headers();
    const body = actionRequest.postDataBuffer()!;
    const replayBody = body.toString("latin1").replace("developer", "admin");

    // …and replay it with a viewer's session, asking for admin this time.
    const viewer = await browser.newContext({ storageState: storageState("viewer") });
    const res = await viewer.request.post("/users", {
      headers: {
        "next-action": headers["next-action"],
        "content-type": headers["content-type"],
        accept: "text/x-component",
      },
      data: Buffer.from(replayBody, "latin1"),
    });
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain("This needs the admin role; you are viewer.");
    expect(await roleOf(email)).toBe("developer");

    await admin.goto(`/audit?outcome=denied&target=${encodeURIComponent(`users/${id}`)}`);
    const denied = admin.getByTestId("audit-row");
    await expect(denied).toHaveCount(1);
    await expect(denied.first()).toContainText("viewer@runway.local");
    await expect(denied.first()).toContainText("denied");
  });

  test("audit pages go back in time with Older", async ({ browser }) => {
    // Two changes of a user of its own, so the trail it pages through is known whatever else is in it.
    const email = `e2e-older-${Date.now()}@example.com`;
    const id = await createUser(email, "viewer");
    const admin = await (await browser.newContext({ storageState: storageState("admin") })).newPage();
    await admin.goto("/users");
    const row = admin.getByTestId(`user-row-${email}`);
    for (const role of ["developer", "operator"]) {
      await row.getByRole("combobox", { name: `Role of ${email}` }).selectOption(role);
      await row.getByRole("button", { name: "Save" }).click();
      await expect(row.getByRole("status")).toHaveText(`${email} is now ${role}.`);
    }

    const page = await (await browser.newContext({ storageState: storageState("viewer") })).newPage();
    await page.goto(`/audit?limit=1&target=${encodeURIComponent(`users/${id}`)}`);
    const event = page.getByTestId("audit-row");
    await expect(event).toHaveCount(1);
    await event.getByText("show").click();
    await expect(event).toContainText('"after": "operator"');
    await page.getByRole("link", { name: "Older →" }).click();
    await expect(page).toHaveURL(/before=\d+/);
    await expect(event).toHaveCount(1);
    await event.getByText("show").click();
    await expect(event).toContainText('"before": "viewer"');
    await expect(event).toContainText('"after": "developer"');
    await expect(page.getByText("End of trail")).toBeVisible();
  });
});
