// The security suite's HTTP half (see test/security/README.md): findings of the
// hardening sweeps (issues 14 and 17) that need the running portal, checked the
// way an outside caller would meet them.
import { expect, test } from "@playwright/test";
import { E2E } from "../playwright.config";
import { createUser, storageState, withPortalDb } from "./support";

test.describe("operation ids", () => {
  test.use({ storageState: storageState("viewer") });

  test("anything but a UUID is a plain 404, on the API and on the pages' ?op=", async ({ request, page }) => {
    for (const id of ["a".repeat(36), "-".repeat(36), "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "not-an-id"]) {
      const res = await request.get(`/api/operations/${id}`);
      expect(res.status(), id).toBe(404);
      expect(await res.json()).toEqual({ error: "not found" });
    }
    await page.goto(`/services/pyplots-prod/europe-west4/pyplots-api?op=${"a".repeat(36)}`);
    await expect(page.getByRole("heading", { name: /pyplots-api/ })).toBeVisible();
  });
});

test.describe("a NUL in a log search", () => {
  test.use({ storageState: storageState("viewer") });

  test("is a plain 400 from the logs API and a message on the page, not a 502", async ({ request, page }) => {
    const res = await request.get("/api/logs?project=pyplots-prod&text=abc%00def");
    expect(res.status()).toBe(400);
    expect((await res.json()).error).toMatch(
      /^Cloud Logging cannot run this search \(Invalid filter: a NUL character at position \d+\)\. Change the search text or filters and try again\.$/,
    );
    await page.goto("/logs?project=pyplots-prod&text=abc%00def");
    await expect(page.getByText(/Cloud Logging cannot run this search/)).toBeVisible();
  });
});

test.describe("host trust: X-Forwarded-Host: evil.example", () => {
  const evil = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };

  test("gets no URL on evil.example from sign-in's endpoints or the sign-in redirect", async ({ request, baseURL }) => {
    const providers = await request.get("/api/auth/providers", { headers: evil });
    expect(providers.status()).toBe(200);
    const body = await providers.text();
    expect(body).not.toContain("evil.example");
    expect((await providers.json()).local.callbackUrl).toMatch(
      new RegExp(`^https?://${new URL(baseURL!).host}/api/auth/callback/local$`),
    );

    const page = await request.get("/audit", { headers: evil, maxRedirects: 0 });
    expect(page.status()).toBe(307);
    expect(page.headers().location).not.toContain("evil.example");

    // The whole local sign-in, as the sign-in page does it, with a callback on evil.example.
    const { csrfToken } = await (await request.get("/api/auth/csrf", { headers: evil })).json();
    const signIn = await request.post("/api/auth/callback/local", {
      headers: evil,
      form: { csrfToken, email: "viewer@runway.local", callbackUrl: "https://evil.example/steal", json: "true" },
    });
    expect(signIn.status()).toBe(200);
    const { url } = await signIn.json();
    expect(url).not.toContain("evil.example");
    expect(new URL(url).host).toBe(new URL(baseURL!).host);
  });
});

test.describe("request ids", () => {
  test("a client's x-request-id never becomes the audit row's request_id; a well-formed one is kept apart", async ({
    browser,
  }) => {
    const forged = `forged-${Date.now()}`;
    const audited: { request_id: string; client_request_id: string | null }[] = [];
    for (const sent of [forged, "x".repeat(200)]) {
      const email = `e2e-reqid-${Date.now()}@example.com`;
      const id = await createUser(email, "viewer");
      const context = await browser.newContext({
        storageState: storageState("admin"),
        extraHTTPHeaders: { "x-request-id": sent },
      });
      const page = await context.newPage();
      await page.goto("/users");
      const row = page.getByTestId(`user-row-${email}`);
      await row.getByRole("combobox").selectOption("developer");
      await row.getByRole("button", { name: "Save" }).click();
      await expect(row.getByRole("status")).toHaveText(`${email} is now developer.`);
      await context.close();
      audited.push(
        await withPortalDb(
          async (c) =>
            (await c.query("SELECT request_id, client_request_id FROM audit_events WHERE target = $1", [`users/${id}`]))
              .rows[0],
        ),
      );
    }
    expect(audited[0].request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(audited[0].client_request_id).toBe(forged);
    expect(audited[1].request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(audited[1].client_request_id).toBeNull();
  });
});

test.describe("settings: the project/region list", () => {
  test.use({ storageState: storageState("admin") });

  test("says what a save removes before saving, and refuses an empty list", async ({ page }) => {
    const pairs = async () =>
      withPortalDb(async (c) =>
        (await c.query("SELECT project || '/' || region AS pair FROM fleet_locations ORDER BY 1")).rows.map(
          (r) => r.pair as string,
        ),
      );
    const before = await pairs();
    expect(before).toContain("pyplots-prod/europe-west4");
    await page.goto("/settings");
    const box = page.getByLabel(/One project\/region a line/);
    await box.fill(before.filter((p) => p !== "pyplots-prod/europe-west4").join("\n"));
    const preview = page.getByRole("status", { name: "What saving removes" });
    await expect(preview).toContainText(/Saving removes 1 pair and the \d+ services? the fleet shows from them/);
    await expect(preview).toContainText(/pyplots-prod\/europe-west4: \d+ \(.*pyplots-api.*\)/);

    await box.fill("  \n");
    await expect(
      page.getByText("Keep at least one project/region pair: an empty list would empty the fleet."),
    ).toBeVisible();
    await page.getByRole("button", { name: "Save locations" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Some fields need attention." })).toContainText(
      "Keep at least one project/region pair",
    );
    expect(await pairs()).toEqual(before);
  });
});

test.describe("the secret page when Secret Manager fails", () => {
  test.use({ storageState: storageState("operator") });
  const faults = `http://127.0.0.1:${E2E.emulatorRouterPort}/_emulator/faults`;

  test("shows a notice in the failed panel, not the error page, and offers no rotation without the versions", async ({
    page,
    request,
  }) => {
    try {
      expect(
        (
          await request.put(faults, {
            data: [{ method: "ListSecretVersions", code: "INTERNAL", message: "backend fell over" }],
          })
        ).ok(),
      ).toBe(true);
      await page.goto("/secrets/pyplots-prod/db-password");
      await expect(page.getByRole("heading", { name: "db-password" })).toBeVisible();
      await expect(
        page.getByText("Secret Manager failed while listing the versions of db-password: backend fell over"),
      ).toBeVisible();
      await expect(page.getByText(/Rotation needs the secret's labels and versions/)).toBeVisible();
      await expect(page.getByRole("heading", { name: "Read by" })).toBeVisible();

      expect((await request.put(faults, { data: [{ method: "GetSecret", code: "UNAVAILABLE", times: 1 }] })).ok()).toBe(
        true,
      );
      await page.reload();
      await expect(page.getByTestId(/^version-\d+$/).first()).toBeVisible();
      await expect(page.getByRole("form", { name: "Rotate db-password" })).toBeVisible();
    } finally {
      await request.delete(faults);
    }
  });
});
