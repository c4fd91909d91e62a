import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import pg from "pg";
import { request } from "../emulator/testing/http";
import { E2E } from "../playwright.config";

export const ROLES = ["viewer", "developer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const storageState = (role: Role) => `e2e/.auth/${role}.json`;

/** The e2e portal's own database (embedded, started by `npm start`), for specs that mint their data. */
export async function withPortalDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const creds = JSON.parse(readFileSync(path.join(E2E.dataDir, "postgres", "credentials.json"), "utf8"));
  const client = new pg.Client({
    host: "127.0.0.1",
    port: E2E.pgPort,
    user: creds.user,
    password: creds.password,
    database: "runway",
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createUser(email: string, role: Role = "viewer"): Promise<string> {
  return withPortalDb(async (c) => {
    const { rows } = await c.query(
      `INSERT INTO users (id, email, role, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id`,
      [email, role],
    );
    return rows[0].id as string;
  });
}

export async function roleOf(email: string): Promise<string> {
  return withPortalDb(async (c) => (await c.query("SELECT role FROM users WHERE email = $1", [email])).rows[0]?.role);
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}

/** pyplots-api through the emulator's router; `revision` says which revision answered. */
export async function pyplots(
  path: string,
  method = "GET",
): Promise<{ status: number; body: string; revision: string | undefined }> {
  const res = await request(E2E.emulatorRouterPort, "pyplots-api.europe-west4.localhost", path, { method });
  return { status: res.status, body: res.body, revision: res.headers["x-runway-revision"] as string | undefined };
}

/** The operation progress panel once it shows `state`. */
export async function waitForOperation(page: Page, state: "succeeded" | "failed") {
  const progress = page.getByRole("region", { name: "Operation progress" });
  await expect(progress).toBeVisible();
  await expect(progress.getByText(state, { exact: true })).toBeVisible({ timeout: 60_000 });
  return progress;
}
