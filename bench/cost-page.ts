// The cost page's data for 208 services with two months of history (issues 6
// and 15): upstream calls (Billing, Catalog, Monitoring) on a cold load with
// only the seeded fleet and with all 208 services (they must be the same per
// project), the page's data time cold (nothing cached), with usage expired,
// and warm (cached), and the emulator's aggregation time for the page's 8
// calls, before and now (cost-aggregation.ts; goal: ≤ 300 ms for the set). History: the emulator's synthetic backfill
// for every service (two months: hours, then 10 minutes, then minutes).
import { openDb } from "../emulator/db";
import { runClients } from "../lib/gcp/clients";
import { loadCostInsight } from "../lib/cost";
import { EMULATOR_DEFAULT_LOCATIONS } from "../lib/services/locations";
import { listFleet } from "../lib/services/read";
import { measureCostAggregation } from "./cost-aggregation";
import { withCountingEmulator } from "./in-process";
import { machine, median, ms } from "./lib";

const RUNS = 5;
const SLOT_MS = 5 * 60_000;

export default async function costPage() {
  let historyWritten: (rows: number) => void = () => {};
  const history = new Promise<number>((resolve) => (historyWritten = resolve));
  const log = (line: string) => {
    if (line.includes("wrote synthetic metric history")) historyWritten(Number(/"rows":(\d+)/.exec(line)?.[1] ?? 0));
  };
  const t0 = performance.now();
  await withCountingEmulator(
    { extraServices: 200, traffic: true, log, logLevel: "INFO", telemetry: { historyServices: 250 } },
    async ({ emulator, calls, databaseUrl }) => {
      let timer: NodeJS.Timeout | undefined;
      const rows = await Promise.race([
        history,
        new Promise<number>(
          (_, reject) => (timer = setTimeout(() => reject(new Error("no synthetic history within 40 min")), 2_400_000)),
        ),
      ]);
      clearTimeout(timer);
      const backfillTime = performance.now() - t0;
      const target = { emulatorHost: emulator.endpoint };
      const seededLocations = EMULATOR_DEFAULT_LOCATIONS;
      const allLocations = [
        ...seededLocations,
        { project: "runway-synthetic", region: "us-central1" },
        { project: "runway-synthetic", region: "europe-west4" },
      ];
      const projectsOf = (ls: typeof allLocations) => [...new Set(ls.map((l) => l.project))];
      const [seededFleet, fleet] = await Promise.all([
        listFleet(seededLocations, runClients(target)),
        listFleet(allLocations, runClients(target)),
      ]);
      const thresholds = new Map<string, number>();
      const now = new Date();
      // Each run asks for a 5-minute slot not read yet (cold for usage and signals); billing and the catalog stay cached after the first.
      let slot = 0;
      const load = async (services: typeof fleet.services, projects: string[], slotsBack: number) => {
        const before = calls.n;
        const start = performance.now();
        const data = await loadCostInsight(services, projects, thresholds, {
          target,
          now: new Date(now.getTime() - slotsBack * SLOT_MS),
        });
        return { time: performance.now() - start, calls: calls.n - before, data };
      };
      const seeded = await load(seededFleet.services, projectsOf(seededLocations), --slot);
      const cold = await load(fleet.services, projectsOf(allLocations), --slot);
      const expired: Awaited<ReturnType<typeof load>>[] = [];
      for (let i = 0; i < RUNS; i++) expired.push(await load(fleet.services, projectsOf(allLocations), --slot));
      const warm: Awaited<ReturnType<typeof load>>[] = [];
      for (let i = 0; i < RUNS; i++) warm.push(await load(fleet.services, projectsOf(allLocations), slot));

      const perProject = (r: { calls: number }, projects: number) => (r.calls / projects).toFixed(1);
      const insight = cold.data.insight!;
      console.log(
        `cost page data: ${fleet.services.length} services in ${projectsOf(allLocations).length} projects; ${rows} synthetic rows written for every service in ${ms(backfillTime)}; ${machine()}; emulator in this process, synthetic traffic on`,
      );
      console.log(
        "| load | services | projects | upstream calls | calls per project | time |\n|---|---|---|---|---|---|",
      );
      console.log(
        `| cold, seeded fleet only (billing, catalog, usage, signals, budgets read) | ${seededFleet.services.length} | ${projectsOf(seededLocations).length} | ${seeded.calls} | ${perProject(seeded, projectsOf(seededLocations).length)} | ${ms(seeded.time)} |`,
      );
      console.log(
        `| cold, all services (billing and catalog cached 10 min / 1 h; usage, signals, budgets read) | ${fleet.services.length} | ${projectsOf(allLocations).length} | ${cold.calls} | ${perProject(cold, projectsOf(allLocations).length)} | ${ms(cold.time)} |`,
      );
      console.log(
        `| usage expired (new 5-minute slot), median of ${RUNS} | ${fleet.services.length} | ${projectsOf(allLocations).length} | ${expired[0].calls} | ${perProject(expired[0], projectsOf(allLocations).length)} | ${ms(median(expired.map((e) => e.time)))} |`,
      );
      console.log(
        `| warm (same slot, all cached), median of ${RUNS} | ${fleet.services.length} | ${projectsOf(allLocations).length} | ${warm[0].calls} | — | ${ms(median(warm.map((e) => e.time)))} |`,
      );
      console.log(
        `\nmonth to date ${insight.report.total.monthToDate.toFixed(2)} ${cold.data.inputs.currency}, last month ${insight.previousMonth.total.monthToDate.toFixed(2)}; ${insight.services.filter((s) => s.week.flagged || s.month.flagged).length} services flagged, ${insight.services.reduce((n, s) => n + s.recommendations.length, 0)} recommendations, ${insight.budgets.length} budgets`,
      );
      // The emulator's aggregation for the page's 8 calls of the project with 200 services, before and now (cost-aggregation.ts).
      const db = openDb(databaseUrl);
      try {
        await measureCostAggregation(db, emulator.endpoint, "runway-synthetic", now);
      } finally {
        await db.end();
      }
    },
  );
}
