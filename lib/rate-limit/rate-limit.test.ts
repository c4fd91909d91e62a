import { beforeAll, describe, expect, it } from "vitest";
import { freshPortalDb } from "../../test/portal-db";
import type { Db } from "../db";
import { takeRateLimit } from "./index";

let db: Db;
beforeAll(async () => {
  db = await freshPortalDb();
});

const rule = { bucket: "test:sign-in", limit: 3, windowSeconds: 60 };
const at = (iso: string) => new Date(iso);

describe("takeRateLimit", () => {
  it("allows up to the limit in a window, then refuses with the seconds left", async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await takeRateLimit(db, rule, "ann", at("2026-11-30T10:00:45Z")));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]).toEqual({ allowed: false, count: 4, limit: 3, retryAfterSeconds: 15 });
  });

  it("counts each key and each bucket apart, and starts again in the next window", async () => {
    for (let i = 0; i < 3; i++) await takeRateLimit(db, rule, "bob", at("2026-11-30T11:00:00Z"));
    expect((await takeRateLimit(db, rule, "cid", at("2026-11-30T11:00:00Z"))).allowed).toBe(true);
    expect(
      (await takeRateLimit(db, { ...rule, bucket: "test:other" }, "bob", at("2026-11-30T11:00:00Z"))).allowed,
    ).toBe(true);
    expect((await takeRateLimit(db, rule, "bob", at("2026-11-30T11:00:59Z"))).allowed).toBe(false);
    expect(await takeRateLimit(db, rule, "bob", at("2026-11-30T11:01:00Z"))).toMatchObject({ allowed: true, count: 1 });
  });

  it("holds under concurrent calls: exactly the limit is allowed", async () => {
    const calls = await Promise.all(
      Array.from({ length: 12 }, () => takeRateLimit(db, { ...rule, limit: 5 }, "burst", at("2026-11-30T12:00:00Z"))),
    );
    expect(calls.filter((c) => c.allowed)).toHaveLength(5);
  });

  it("stores a long key as its hash", async () => {
    const key = "x".repeat(500);
    await takeRateLimit(db, rule, key, at("2026-11-30T13:00:00Z"));
    expect((await takeRateLimit(db, rule, key, at("2026-11-30T13:00:01Z"))).count).toBe(2);
    const rows = await db.rateLimitWindow.findMany({
      where: { bucket: rule.bucket, windowStart: at("2026-11-30T13:00:00Z") },
    });
    expect(rows.map((r) => r.key)).toEqual([expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]);
  });
});
