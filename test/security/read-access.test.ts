// Findings (issue 14, 3 and 4): a viewer could read a secret rotation's row
// through /api/operations/[id] although the page that shows it is for
// developers and up, and the read routes answered for projects outside
// Settings. The API now answers an operation to the roles of its page, inside
// Settings' scope. That every read route refuses a project outside Settings is
// proven over HTTP, route by route, in read-routes.test.ts.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { coveredPortalDb, makeUser } from "../portal-db";
import type { Db } from "@/lib/db";
import { portalFollowers } from "@/lib/followers";
import { claimOperation, readOperationAs } from "@/lib/operations";

let db: Db;
const followers = portalFollowers();
const row = (kind: string, target: string) =>
  claimOperation(db, { idempotencyKey: randomUUID(), kind, target, actorEmail: "ann@example.com", steps: [] }).then(
    (c) => c.operation.id,
  );

beforeAll(async () => {
  db = await coveredPortalDb();
});

describe("reading an operation through the API", () => {
  it("answers each kind to the roles of the page that shows it, and refuses the rest with 403", async () => {
    const ops = {
      deploy: await row("deploy", "projects/pyplots-prod/locations/europe-west4/services/pyplots-api"),
      traffic: await row("traffic", "projects/pyplots-prod/locations/europe-west4/services/pyplots-api"),
      rotate: await row("rotate", "projects/pyplots-prod/secrets/db-password"),
      backup: await row("backup", "projects/pyplots-prod/instances/pyplots-db"),
      restore: await row("restore", "projects/pyplots-prod/instances/pyplots-db"),
    };
    const seen: Record<string, string[]> = {};
    for (const role of ["viewer", "developer", "operator", "admin"] as const) {
      const actor = await makeUser(db, role);
      for (const [kind, id] of Object.entries(ops)) {
        const read = await readOperationAs(db, followers, actor, id);
        if (read.ok) (seen[kind] ??= []).push(role);
        else
          expect(read).toMatchObject({
            status: 403,
            error: expect.stringMatching(new RegExp(`^This needs the \\w+ role; you are ${role}\\.$`)),
          });
      }
    }
    expect(seen).toEqual({
      deploy: ["viewer", "developer", "operator", "admin"],
      traffic: ["viewer", "developer", "operator", "admin"],
      rotate: ["developer", "operator", "admin"],
      backup: ["operator", "admin"],
      restore: ["operator", "admin"],
    });
  });

  it("declares a viewing role for every registered kind", () => {
    for (const [kind, f] of Object.entries(followers)) expect(f.viewRole, `operations of kind ${kind}`).toBeDefined();
  });

  it("refuses a row whose target is outside Settings, even to an admin; an unknown id is a 404", async () => {
    const admin = await makeUser(db, "admin");
    const outside = await row("deploy", "projects/pyplots-prod/locations/asia-east1/services/pyplots-api");
    expect(await readOperationAs(db, followers, admin, outside)).toEqual({
      ok: false,
      status: 403,
      error: "pyplots-prod/asia-east1 is not covered by this portal.",
    });
    expect(await readOperationAs(db, followers, admin, randomUUID())).toEqual({
      ok: false,
      status: 404,
      error: "not found",
    });
  });
});
