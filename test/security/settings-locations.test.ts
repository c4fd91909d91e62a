// Finding (issue 17): Settings accepted an empty list of project/region pairs,
// which wiped the fleet in one click. The save refuses it (a field error), and
// the form says what a save would remove before it is made.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../emulator";
import { freshPortalDb, makeUser } from "../portal-db";
import { runGuarded } from "@/lib/actions";
import type { Db } from "@/lib/db";
import type { RunClients } from "@/lib/gcp/clients";
import {
  ensureLocations,
  listFleet,
  listLocations,
  locationCoverage,
  removedLocations,
  updateLocationsDefinition,
} from "@/lib/services";

let db: Db;
let stop: () => Promise<void>;
let run: RunClients;
beforeAll(async () => {
  const t = await startTestEmulator();
  run = t.clients;
  stop = () => t.emulator.stop();
  db = await freshPortalDb();
}, 120_000);
afterAll(async () => {
  await stop?.();
});

describe("saving the project/region list", () => {
  it.each(["", "\n  \n\t\n"])(
    "refuses an empty list (%j) with a field error and changes nothing",
    async (locations) => {
      const admin = await makeUser(db, "admin");
      await ensureLocations(db, [{ project: "pyplots-prod", region: "europe-west4" }]);
      const before = await listLocations(db);
      const result = await runGuarded(updateLocationsDefinition, admin, { locations }, { db });
      expect(result).toMatchObject({
        ok: false,
        code: "invalid",
        fieldErrors: { locations: ["Keep at least one project/region pair: an empty list would empty the fleet."] },
      });
      expect(await listLocations(db)).toEqual(before);
      expect(await db.auditEvent.findFirstOrThrow({ where: { actorEmail: admin.email } })).toMatchObject({
        action: "settings.update-locations",
        outcome: "invalid",
      });
    },
  );
});

describe("the preview of what a save removes", () => {
  it("names each removed pair with the services the fleet shows from it", async () => {
    const locations = [
      { project: "pyplots-prod", region: "europe-west4" },
      { project: "intentvision-prod", region: "us-central1" },
      { project: "empty-project", region: "us-east1" },
    ];
    const coverage = locationCoverage(locations, await listFleet(locations, run));
    const pyplots = coverage.find((c) => c.pair === "pyplots-prod/europe-west4")!;
    expect(pyplots.services).toEqual(expect.arrayContaining(["pyplots-api"]));
    expect(coverage.find((c) => c.pair === "empty-project/us-east1")!.services).toEqual([]);

    const removed = removedLocations(coverage, "pyplots-prod/europe-west4\n  \nempty-project us-east1\n");
    expect(removed.map((r) => r.pair)).toEqual(["intentvision-prod/us-central1"]);
    expect(removed[0].services).toEqual(expect.arrayContaining(["intentvision-api", "intentvision-worker"]));
    expect(removedLocations(coverage, "").map((r) => r.pair)).toEqual(locations.map((l) => `${l.project}/${l.region}`));
  });
});
