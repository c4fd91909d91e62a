// The fleet page's join, read through the official clients from the emulator:
// every covered service with its health and month-to-date cost, each read
// failing alone, and health cached briefly instead of read per viewer. (A
// Cloud Monitoring failure is in view-monitoring-down.test.ts: it needs the
// process's read caches cold, which only a file of its own guarantees.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../test/emulator";
import { freshPortalDb } from "../../test/portal-db";
import { loadCostInsight } from "../cost";
import type { Db } from "../db";
import { observabilityClients, runClients, type GcpTarget, type ObservabilityClients } from "../gcp/clients";
import { fleetHealth, recentFleetHealth } from "../observability";
import { ensureLocations, invalidateFleet, listFleet, servicePath } from "../services";
import { EMULATOR_DEFAULT_LOCATIONS } from "../services/locations";
import { FleetPageQuery, fleetPage } from "./page";
import { queryFleet } from "./query";
import { withMetrics } from "./rows";
import { fleetFirstScreen, fleetList, fleetMetrics, fleetView } from "./view";

let db: Db;
let target: GcpTarget;
let stop: () => Promise<void>;
const projects = [...new Set(EMULATOR_DEFAULT_LOCATIONS.map((l) => l.project))];

beforeAll(async () => {
  const t = await startTestEmulator();
  stop = () => t.emulator.stop();
  target = { emulatorHost: t.emulator.endpoint };
  db = await freshPortalDb();
  await ensureLocations(db, EMULATOR_DEFAULT_LOCATIONS);
}, 120_000);

afterAll(async () => {
  await stop?.();
});

/** The same clients, counting ListTimeSeries calls. */
function counting(clients: ObservabilityClients) {
  const counter = { calls: 0 };
  const list = clients.metrics.listTimeSeries.bind(clients.metrics);
  const metrics = Object.assign(Object.create(clients.metrics), {
    listTimeSeries: (...a: Parameters<typeof list>) => (counter.calls++, list(...a)),
  });
  return { clients: { ...clients, metrics } as ObservabilityClients, counter };
}

describe("fleetView", () => {
  it("joins every covered service with its health and its month-to-date cost", async () => {
    const now = new Date();
    const view = await fleetView({ db, splitStaleHours: 0, target, now });
    const fleet = await listFleet(EMULATOR_DEFAULT_LOCATIONS, runClients(target));
    expect(view.locations).toBe(EMULATOR_DEFAULT_LOCATIONS.length);
    expect(view.failures).toEqual({ locations: [], health: [], cost: [], alerts: [] });
    expect(view.rows.map((r) => r.name)).toEqual(fleet.services.map((s) => s.name));
    // The cost page's report (idle min instances included): the column shows the same month to date.
    const report = (await loadCostInsight(fleet.services, projects, new Map(), { now, target })).insight!.report;
    for (const row of view.rows) {
      const service = fleet.services.find((s) => s.name === row.name)!;
      expect(row.href).toBe(servicePath({ project: row.project, region: row.region, service: row.id }));
      // With a 0 h threshold, exactly the services whose traffic is split or pinned are flagged.
      expect(row.staleSplitHours !== null).toBe(service.splitSince !== null);
      const full = report.services.find((c) => c.project === row.project && c.service === row.id)!;
      expect(row.costMonthToDate).toBeCloseTo(full.monthToDate.total, 9);
    }
  });
});

describe("fleetList and fleetMetrics (the page's first screen, then what streams in)", () => {
  it("lists every service without health or cost, and joined with the metrics gives fleetView's rows", async () => {
    const now = new Date();
    const deps = { db, splitStaleHours: 0, target, now };
    const [list, metrics, view] = await Promise.all([fleetList(deps), fleetMetrics(deps), fleetView(deps)]);
    expect(list.rows.map((r) => r.name)).toEqual(view.rows.map((r) => r.name));
    expect(list.rows.every((r) => r.health === null && r.costMonthToDate === null)).toBe(true);
    expect(list.failures).toEqual({ locations: [] });
    expect(metrics.failures).toEqual({ health: [], cost: [], alerts: [] });
    const joined = list.rows.map((r) => withMetrics(r, metrics));
    expect(joined).toEqual(view.rows);
    expect(joined.some((r) => r.costMonthToDate !== null)).toBe(true);
  });
});

describe("fleetFirstScreen (one page of ListServices per location)", () => {
  it("gives the fleet's first rows in name order, says when they are not all, and its whole list when they fit", async () => {
    const deps = { db, splitStaleHours: 0, target, now: new Date() };
    const all = (await fleetList(deps)).rows;
    invalidateFleet();
    const one = await fleetFirstScreen(1, deps); // intentvision-prod has two services
    expect(one.complete).toBe(false);
    expect(one.rows).toEqual(all.slice(0, 1));
    invalidateFleet();
    const whole = await fleetFirstScreen(all.length, deps);
    expect(whole.complete).toBe(true);
    expect(whole.rows).toEqual(all);
    expect(whole.locations).toBe(EMULATOR_DEFAULT_LOCATIONS.length);
  });

  it("answers the locations the database names now, though it starts with the ones it covered last time", async () => {
    const deps = { db, splitStaleHours: 0, target, now: new Date() };
    const all = (await fleetList(deps)).rows;
    invalidateFleet();
    await fleetFirstScreen(all.length, deps); // the five default locations: the next call starts with them
    const fewer = await freshPortalDb();
    await fewer.fleetLocation.createMany({
      data: [
        { project: "pyplots-prod", region: "europe-west4", addedBy: "test" },
        { project: "runway-empty", region: "us-east1", addedBy: "test" },
      ],
    });
    invalidateFleet();
    const first = await fleetFirstScreen(all.length, { ...deps, db: fewer });
    expect(first.locations).toBe(2);
    expect(first.rows.map((r) => r.id)).toEqual(["pyplots-api", "pyplots-frontend"]);
    expect(first.failures.locations).toEqual([]);
    expect(first.complete).toBe(true);
  });
});

describe("fleetPage (large fleets: the server searches, filters, sorts and pages)", () => {
  it("answers a page of the rows the browser's own query would show, with the match count and menus", async () => {
    const deps = { db, splitStaleHours: 0, target };
    const all = (await fleetView(deps)).rows;
    const page = (params: Record<string, string>) => fleetPage(FleetPageQuery.parse(params), deps);

    const first = await page({ limit: "3" });
    const second = await page({ offset: "3", limit: "3" });
    expect([...first.rows, ...second.rows].map((r) => r.id)).toEqual(all.slice(0, 6).map((r) => r.id));
    expect(first).toMatchObject({
      matched: all.length,
      total: all.length,
      projects: [...new Set(all.map((r) => r.project))].sort(),
    });
    expect(first.rows.every((r) => r.health === null)).toBe(true);

    const pyplots = await page({ q: "pyplots", limit: "100" });
    expect(pyplots.rows.map((r) => r.id)).toEqual(["pyplots-api", "pyplots-frontend"]);
    expect(pyplots.matched).toBe(2);

    // Sorting by cost needs the metrics: they are joined on, in the browser's order.
    const dearest = await page({ sort: "cost", limit: "100" });
    expect(dearest.rows.map((r) => r.name)).toEqual(
      queryFleet(all, { q: "", project: "", region: "", status: "", sort: "cost" }).map((r) => r.name),
    );
    expect(dearest.rows.some((r) => r.costMonthToDate !== null)).toBe(true);

    expect((await page({ project: "nowhere", limit: "10" })).matched).toBe(0);
    expect(FleetPageQuery.safeParse({ sort: "price", limit: "10" }).success).toBe(false);
    expect(FleetPageQuery.safeParse({ limit: "500" }).success).toBe(false);
  });
});

describe("recentFleetHealth", () => {
  it("reads each project once for concurrent and repeated viewers, where fleetHealth reads every time", async () => {
    const { clients, counter } = counting(observabilityClients(target));
    const [a, b] = await Promise.all([recentFleetHealth(projects, clients), recentFleetHealth(projects, clients)]);
    await recentFleetHealth(projects, clients);
    expect(counter.calls).toBe(3 * projects.length);
    expect(b).toEqual(a);
    await fleetHealth(projects, clients);
    await fleetHealth(projects, clients);
    expect(counter.calls).toBe(3 * projects.length * 3);
  });
});
