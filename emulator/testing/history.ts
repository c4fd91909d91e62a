// Shared by the rollup tests: an emulator with services of given limits, each
// revision two months old, and the synthetic history the backfill writes for
// them (requests, instances, utilization, with their hour and day rollups).
// Live utilization sampling is off: running instances would add samples
// between two reads a test compares.
import { expect, inject } from "vitest";
import { createEmptyDatabase } from "../../test/databases";
import { openDb, type Db } from "../db";
import { backfill } from "../telemetry/backfill";
import { TelemetryStore } from "../telemetry/store";
import { CALL, startTestEmulator, type TestEmulator } from "./harness";

export type LimitedService = { id: string; resources: { limits: { cpu: string; memory: string }; cpuIdle: boolean } };

export async function emulatorWithHistory(
  project: string,
  specs: LimitedService[],
): Promise<{ t: TestEmulator; db: Db; store: TelemetryStore; revisions: string[] }> {
  const parent = `projects/${project}/locations/us-central1`;
  const url = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  const t = await startTestEmulator(url, { telemetry: { utilizationSampleMs: 3_600_000 } });
  const revisions: string[] = [];
  for (const s of specs) {
    const [op] = await t.services.createService(
      {
        parent,
        serviceId: s.id,
        service: { template: { containers: [{ image: "gcr.io/r/hello:v1", resources: s.resources }] } },
      },
      CALL,
    );
    await op.promise();
    const [svc] = await t.services.getService({ name: `${parent}/services/${s.id}` }, CALL);
    revisions.push(svc.latestReadyRevision!.split("/").pop()!);
  }
  const db = openDb(url);
  const store = new TelemetryStore(db, (err) => {
    throw err;
  });
  // The backfill writes history from a revision's creation on: make these two months old.
  await db.query("UPDATE run_revisions SET create_time = now() - interval '70 days'");
  expect(await backfill(db, store)).toBeGreaterThan(1000);
  return { t, db, store, revisions };
}
