// Finding (issue 17): `/api/operations/<id>` answered 500 with a stack trace
// for 36-character ids that are not UUIDs; the service and databases pages
// take the same id from `?op=`. All of them read through getOperation.
import { beforeAll, describe, expect, it } from "vitest";
import { freshPortalDb } from "../portal-db";
import type { Db } from "@/lib/db";
import { getOperation, parseOperationId } from "@/lib/operations";

let db: Db;
beforeAll(async () => {
  db = await freshPortalDb();
});

const NOT_UUIDS = [
  "a".repeat(36),
  "-".repeat(36),
  "0123456789abcdef0123456789abcdef0123",
  "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
  "",
  "1' OR '1'='1",
  "12345678-1234-1234-1234-1234567890ab\u0000",
];

describe("operation ids from URLs", () => {
  it.each(NOT_UUIDS)("%j is no operation, answered without a database error", async (id) => {
    expect(parseOperationId(id)).toBeNull();
    await expect(getOperation(db, id)).resolves.toBeNull();
  });

  it("a well-formed id that names nothing is null too; non-strings are refused", async () => {
    await expect(getOperation(db, "0b6f3c1e-9d4a-4c2b-8e7f-1a2b3c4d5e6f")).resolves.toBeNull();
    expect(parseOperationId(["0b6f3c1e-9d4a-4c2b-8e7f-1a2b3c4d5e6f"])).toBeNull();
    expect(parseOperationId(undefined)).toBeNull();
    expect(parseOperationId("0B6F3C1E-9D4A-4C2B-8E7F-1A2B3C4D5E6F")).toBe("0b6f3c1e-9d4a-4c2b-8e7f-1a2b3c4d5e6f");
  });
});
