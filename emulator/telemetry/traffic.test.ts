// Synthetic traffic reaches the seeded fleet only, never one a user or a test
// created (a real Cloud Run service receives no unsolicited requests) nor the
// synthetic load-test services (warm instances for hundreds of them held GBs).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../test/databases";
import { openDb, type Db } from "../db";
import type { RequestEvent } from "../runtime/events";
import { markSeededServices, SYNTHETIC_PROJECT } from "../seed";
import { CALL, startTestEmulator, template, waitFor, type TestEmulator } from "../testing/harness";
import { startTraffic } from "./traffic";

let t: TestEmulator;
let pool: Db;

async function create(project: string, id: string) {
  const [op] = await t.services.createService(
    {
      parent: `projects/${project}/locations/us-central1`,
      serviceId: id,
      service: { template: template("gcr.io/x/hello:v1") },
    },
    CALL,
  );
  await op.promise();
}

beforeAll(async () => {
  const url = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  t = await startTestEmulator(url);
  pool = openDb(url);
  expect(await t.emulator.seedSyntheticServices(1)).toBe(1);
  await create("traffic-user", "mine");
  // A user's service in the synthetic project is still a user's.
  await create(SYNTHETIC_PROJECT, "user-made");
  // Stands for a service of the seeded fleet (this emulator seeds none).
  await create("traffic-fleet", "fleet-one");
  await pool.query("UPDATE run_services SET seeded = true WHERE service_id = 'fleet-one'");
});
afterAll(async () => {
  await pool?.end();
  await t?.close();
});

describe("synthetic traffic", () => {
  it("reaches the seeded fleet, not the synthetic services nor those a user created", async () => {
    const seen: RequestEvent[] = [];
    const off = t.emulator.events.subscribe((e) => void (e.type === "request" && seen.push(e)));
    const stop = startTraffic(pool, () => t.emulator.routerPort, 200);
    try {
      // Ticks do not overlap and visit services by name, so a third request to
      // fleet-one means two whole ticks went by, which would have reached the others.
      await waitFor(
        () => seen.filter((e) => e.service === "fleet-one").length >= 3,
        "three synthetic requests",
        15_000,
      );
    } finally {
      stop();
      off();
    }
    expect(seen.every((e) => e.userAgent === "runway-synthetic-traffic/1" && [200, 404].includes(e.status))).toBe(true);
    expect([...new Set(seen.map((e) => e.service))]).toEqual(["fleet-one"]);
  });

  it("decides once, for services written before it was recorded, by the fleet's names and the synthetic project", async () => {
    // Puts back what it changes, so the traffic test finds user-made a user's service in any order.
    const { rows: before } = await pool.query<{ name: string; seeded: boolean | null }>(
      "SELECT name, seeded FROM run_services",
    );
    try {
      await decideOnce();
    } finally {
      await pool.query("DELETE FROM run_services WHERE name = $1", [
        "projects/pyplots-prod/locations/europe-west4/services/pyplots-api",
      ]);
      for (const r of before)
        await pool.query("UPDATE run_services SET seeded = $2 WHERE name = $1", [r.name, r.seeded]);
    }
  });
});

/** Services written before `seeded` existed get it from the fleet's names and the synthetic project. */
async function decideOnce() {
  await pool.query("UPDATE run_services SET seeded = NULL");
  await pool.query(
    "INSERT INTO run_services (name, project, location, service_id, host, create_time, data) SELECT $1, 'pyplots-prod', 'europe-west4', 'pyplots-api', 'old-host', now(), data FROM run_services LIMIT 1",
    ["projects/pyplots-prod/locations/europe-west4/services/pyplots-api"],
  );
  await markSeededServices(pool);
  const { rows } = await pool.query<{ service_id: string; seeded: boolean }>(
    "SELECT service_id, seeded FROM run_services ORDER BY service_id",
  );
  expect(rows).toEqual([
    { service_id: "fleet-one", seeded: false },
    { service_id: "mine", seeded: false },
    { service_id: "pyplots-api", seeded: true },
    { service_id: "synthetic-0001", seeded: true },
    { service_id: "user-made", seeded: true },
  ]);
}
