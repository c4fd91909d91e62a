// The cost page's data for 208 services (issue 6): upstream calls (Monitoring
// + Catalog) and time to compute the report: cold (nothing cached), usage
// expired (the catalog cached 1 h, usage re-read as every 5 minutes) and fully
// cached. Usage comes from the emulator's 7 days of synthetic history for the
// seeded fleet plus live minutes; the month-to-date window spans every day of
// the month so far. Baseline, in the same run: one of those calls alone (one
// metric of one project over the same window), so the page reads as "N calls'
// worth" of time.
import type { protos } from "@google-cloud/monitoring";
import { observabilityClients, runClients } from "../lib/gcp/clients";
import { loadUsageAndPrices, reportFor } from "../lib/cost";
import { monthWindow } from "../lib/cost/usage";
import { EMULATOR_DEFAULT_LOCATIONS } from "../lib/services/locations";
import { listFleet } from "../lib/services/read";
import { withCountingEmulator } from "./in-process";
import { machine, median, ms } from "./lib";

const RUNS = 5;
const USAGE_CACHE_MS = 5 * 60_000;

export default async function costPage() {
  let historyWritten: () => void = () => {};
  const history = new Promise<void>((resolve) => (historyWritten = resolve));
  const log = (line: string) => {
    if (line.includes("wrote synthetic metric history")) historyWritten();
  };
  await withCountingEmulator({ extraServices: 200, traffic: true, log }, async ({ emulator, calls }) => {
    // The emulator writes the synthetic history in the background after start; wait for its log line.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([history, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("no synthetic history within 120 s")), 120_000)))]);
    clearTimeout(timer);
    const target = { emulatorHost: emulator.endpoint };
    const locations = [...EMULATOR_DEFAULT_LOCATIONS, { project: "runway-synthetic", region: "us-central1" }, { project: "runway-synthetic", region: "europe-west4" }];
    const projects = [...new Set(locations.map((l) => l.project))];
    const fleet = await listFleet(locations, runClients(target));
    // Usage is cached per 5-minute slot of `now`: an earlier slot is a cache miss, as when the slot turns.
    const now = new Date();
    const run = async (slotsBack = 0) => {
      const before = calls.n;
      const t0 = performance.now();
      const inputs = await loadUsageAndPrices(projects, { target, now: new Date(now.getTime() - slotsBack * USAGE_CACHE_MS) });
      const report = reportFor(fleet.services, inputs);
      return { time: performance.now() - t0, calls: calls.n - before, report, days: new Set(inputs.usage.map((u) => u.day)).size, rows: inputs.usage.length };
    };
    // The baseline: one ListTimeSeries of the page's (request count of runway-synthetic, the project with the most services), same window and aggregation.
    const { start, end } = monthWindow(new Date());
    const metrics = observabilityClients(target).metrics;
    const oneCall = async () => {
      const t0 = performance.now();
      const [series] = await metrics.listTimeSeries(
        {
          name: "projects/runway-synthetic", filter: 'metric.type="run.googleapis.com/request_count"', interval: { startTime: { seconds: start }, endTime: { seconds: end } },
          aggregation: { alignmentPeriod: { seconds: 86_400 }, perSeriesAligner: "ALIGN_SUM", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["resource.labels.service_name"] }, view: "FULL",
        },
        { timeout: 60_000 },
      );
      if ((series as protos.google.monitoring.v3.ITimeSeries[]).length === 0) throw new Error("the baseline call read no series");
      return performance.now() - t0;
    };
    const cold = await run();
    const single: number[] = [await oneCall()];
    const expired: Awaited<ReturnType<typeof run>>[] = [];
    for (let i = 1; i <= RUNS; i++) {
      expired.push(await run(i));
      single.push(await oneCall());
    }
    const cached = await run();
    const one = median(single);
    const expiredTime = median(expired.map((w) => w.time));
    console.log(`cost page data: ${fleet.services.length} services in ${projects.length} projects, ${cold.rows} service-days of usage over ${cold.days} days; ${machine()}; emulator in this process, synthetic traffic on`);
    console.log("| load | upstream calls | time | time / one call |\n|---|---|---|---|");
    console.log(`| cold (nothing cached: catalog and usage read) | ${cold.calls} | ${ms(cold.time)} | ${(cold.time / one).toFixed(2)}× |`);
    console.log(`| usage expired (catalog cached 1 h, usage re-read), median of ${RUNS} | ${expired[0].calls} | ${ms(expiredTime)} | ${(expiredTime / one).toFixed(2)}× |`);
    console.log(`| cached (within 5 min) | ${cached.calls} | ${ms(cached.time)} | ${(cached.time / one).toFixed(2)}× |`);
    console.log(`| baseline: one ListTimeSeries (request count of runway-synthetic, month to date, by service and day), median of ${single.length} | 1 | ${ms(one)} | 1.00× |`);
    console.log(`month to date over the fleet: $${cold.report?.total.monthToDate.toFixed(2)}, forecast $${cold.report?.total.forecast.toFixed(2)}`);
  });
}
