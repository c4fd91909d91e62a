// Finding (issue 17): z.coerce.number accepted null, true, [] and "" as 0 or 1,
// so malformed calls to the deploy and traffic actions passed validation with
// made-up numbers. Numbers are now digits in a string or numbers, in range.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AuditQuery } from "@/lib/audit/schemas";
import { RotateInput } from "@/lib/secrets/rotate/schemas";
import { DeployInput, ShiftTrafficInput } from "@/lib/services/schemas";
import { parseLauncherConfig } from "../../scripts/launcher-config";

const deploy = (over: Record<string, unknown>) => ({
  project: "pyplots-prod",
  region: "europe-west4",
  service: "api",
  etag: "e1",
  idempotencyKey: randomUUID(),
  image: "europe-west4-docker.pkg.dev/p/app/api:v7",
  cpu: "1",
  memory: "512Mi",
  minInstances: "0",
  maxInstances: "10",
  concurrency: "80",
  timeoutSeconds: "300",
  traffic: "all",
  ...over,
});
const errorsOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));

describe("whole numbers in the deploy form", () => {
  it.each([
    [null, "Expected a number of instances, not null."],
    [true, "Expected a number of instances, not a boolean."],
    [[], "Expected a number of instances, not a list."],
    [{}, "Expected a number of instances, not an object."],
    ["", "Enter a number of instances."],
    ["1e1", "Digits only: enter a number of instances from 1 to 1000."],
    ["0x10", "Digits only: enter a number of instances from 1 to 1000."],
    ["-1", "Digits only: enter a number of instances from 1 to 1000."],
    ["2.5", "Digits only: enter a number of instances from 1 to 1000."],
    [2.5, "Whole numbers only. Enter a number of instances from 1 to 1000."],
    [Number.NaN, "Whole numbers only. Enter a number of instances from 1 to 1000."],
    ["0", "Enter a number of instances from 1 to 1000."],
    [1001, "Enter a number of instances from 1 to 1000."],
  ])("maxInstances %j is a field error", (value, message) => {
    const r = DeployInput.safeParse(deploy({ maxInstances: value }));
    expect(r.success).toBe(false);
    expect(errorsOf(r)).toEqual({ maxInstances: message });
  });

  it("digits in a string and whole numbers are taken as they are", () => {
    const r = DeployInput.safeParse(
      deploy({ minInstances: " 2 ", maxInstances: 12, concurrency: "1000", timeoutSeconds: 3600 }),
    );
    expect(r.success && [r.data.minInstances, r.data.maxInstances, r.data.concurrency, r.data.timeoutSeconds]).toEqual([
      2, 12, 1000, 3600,
    ]);
  });
});

describe("percents in the traffic editor", () => {
  const shift = (percent: unknown) =>
    ShiftTrafficInput.safeParse({
      project: "pyplots-prod",
      region: "europe-west4",
      service: "api",
      etag: "e1",
      idempotencyKey: randomUUID(),
      entries: [{ revision: "LATEST", percent }],
    });
  it.each([null, true, [], "", "100%", " "])("%j is refused, not read as 0 or 1", (percent) => {
    const r = shift(percent);
    expect(r.success).toBe(false);
    expect(Object.keys(errorsOf(r))).toEqual(["entries.0.percent"]);
  });
  it('"100" and 100 are a full split', () => {
    expect(shift("100").success).toBe(true);
    expect(shift(100).success).toBe(true);
  });
});

describe("other numbers: the audit page size and the generated secret length", () => {
  it("a missing or empty value takes the default; anything malformed is refused", () => {
    expect(AuditQuery.parse({}).limit).toBe(50);
    expect(AuditQuery.parse({ limit: "" }).limit).toBe(50);
    expect(AuditQuery.parse({ limit: "120" }).limit).toBe(120);
    for (const limit of [null, true, ["5"], "5abc", "0", "201"])
      expect(AuditQuery.safeParse({ limit }).success, String(limit)).toBe(false);
    const rotate = (length: unknown) =>
      RotateInput.safeParse({
        project: "pyplots-prod",
        secret: "db-password",
        idempotencyKey: randomUUID(),
        mode: "generate",
        length,
      });
    expect(rotate(undefined).success && rotate(undefined).data?.length).toBe(32);
    expect(errorsOf(rotate(true))).toEqual({ length: "Expected a length, not a boolean." });
    expect(errorsOf(rotate("8"))).toEqual({ length: "At least 16 characters." });
    expect(errorsOf(rotate(null))).toEqual({ length: "Expected a length, not null." });
  });
});

describe("the launcher's ports", () => {
  it("are digits only: 1e3 and 0x50 are not ports", () => {
    expect(parseLauncherConfig({ PORT: "3400", RUNWAY_PG_PORT: " 54369 " })).toMatchObject({
      port: 3400,
      pgPort: 54369,
    });
    expect(() => parseLauncherConfig({ PORT: "1e3" })).toThrow("PORT: expected a port number (digits only)");
    expect(() => parseLauncherConfig({ EMULATOR_GRPC_PORT: "0x50" })).toThrow(
      "EMULATOR_GRPC_PORT: expected a port number (digits only)",
    );
    expect(() => parseLauncherConfig({ PORT: "70000" })).toThrow(/PORT: Too big/);
  });
});
