import { describe, expect, it } from "vitest";
import { freshPortalDb } from "../../test/portal-db";
import { createDb } from "../db";
import { freePort } from "../../emulator/runtime/ports";
import { checkHealth } from "./check";

describe("checkHealth", () => {
  it("is ok when the database answers", async () => {
    const report = await checkHealth(await freshPortalDb());
    expect(report.status).toBe("ok");
    expect(report.checks).toEqual([expect.objectContaining({ name: "database", ok: true })]);
  });

  it("names the database as failing when it cannot be reached, without leaking credentials", async () => {
    const db = createDb(`postgresql://runway:hunter2@127.0.0.1:${await freePort()}/runway`);
    const report = await checkHealth(db);
    expect(report.status).toBe("failing");
    expect(report.checks[0]).toMatchObject({ name: "database", ok: false });
    expect(report.checks[0].error).toBeTruthy();
    expect(JSON.stringify(report)).not.toContain("hunter2");
  });
});
