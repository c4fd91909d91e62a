// The fleet page when Cloud Monitoring refuses every read: the services are
// still listed, without health or cost, and the page says what is missing.
// A file of its own: health and usage are cached in the process, so a read
// that succeeded earlier in the same file would answer instead of failing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../test/emulator";
import { freshPortalDb } from "../../test/portal-db";
import type { Db } from "../db";
import type { GcpTarget } from "../gcp/clients";
import { ensureLocations } from "../services";
import { EMULATOR_DEFAULT_LOCATIONS } from "../services/locations";
import { fleetView } from "./view";

let db: Db;
let target: GcpTarget;
let setFaults: (rules: unknown) => void;
let stop: () => Promise<void>;
const projects = [...new Set(EMULATOR_DEFAULT_LOCATIONS.map((l) => l.project))];

beforeAll(async () => {
  const t = await startTestEmulator();
  stop = () => t.emulator.stop();
  setFaults = (rules) => t.emulator.faults.set(rules as never);
  target = { emulatorHost: t.emulator.endpoint };
  db = await freshPortalDb();
  await ensureLocations(db, EMULATOR_DEFAULT_LOCATIONS);
}, 120_000);

afterAll(async () => {
  await stop?.();
});
// A test that fails with a fault set must not leave it to the next one.
afterEach(() => {
  setFaults([]);
});

describe("fleetView with Cloud Monitoring down", () => {
  it("still lists every service when Cloud Monitoring fails, and says what is missing", async () => {
    setFaults([{ method: "ListTimeSeries", code: "PERMISSION_DENIED", message: "monitoring.timeSeries.list denied" }]);
    try {
      const view = await fleetView({ db, splitStaleHours: 24, target });
      expect(view.rows.length).toBeGreaterThan(0);
      expect(view.rows.every((r) => r.health === null && r.costMonthToDate === null)).toBe(true);
      expect(view.failures.health.map((f) => f.project).sort()).toEqual([...projects].sort());
      expect(view.failures.cost.length).toBeGreaterThan(0);
      expect(view.failures.locations).toEqual([]);
    } finally {
      setFaults([]);
    }
  });
});
