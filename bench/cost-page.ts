// The cost page's data for 208 services (issue 6): upstream calls (Monitoring
// + Catalog) and time to compute the report, cold (catalog not cached yet) and
// warm. Usage comes from the emulator's 7 days of synthetic history for the
// seeded fleet plus live minutes; the month-to-date window spans every day of
// the month so far.
import { runClients } from "../lib/gcp/clients";
import { loadUsageAndPrices, reportFor } from "../lib/cost";
import { EMULATOR_DEFAULT_LOCATIONS } from "../lib/services/locations";
import { listFleet } from "../lib/services/read";
import { withCountingEmulator } from "./in-process";
import { machine, median, ms } from "./lib";

export default async function costPage() {
  await withCountingEmulator({ extraServices: 200, traffic: true }, async ({ emulator, calls }) => {
    // The synthetic history is written shortly after start.
    await new Promise((r) => setTimeout(r, 20_000));
    const target = { emulatorHost: emulator.endpoint };
    const locations = [...EMULATOR_DEFAULT_LOCATIONS, { project: "runway-synthetic", region: "us-central1" }, { project: "runway-synthetic", region: "europe-west4" }];
    const projects = [...new Set(locations.map((l) => l.project))];
    const fleet = await listFleet(locations, runClients(target));
    const run = async () => {
      const before = calls.n;
      const t0 = performance.now();
      const inputs = await loadUsageAndPrices(projects, { target });
      const report = reportFor(fleet.services, inputs);
      return { time: performance.now() - t0, calls: calls.n - before, report, days: new Set(inputs.usage.map((u) => u.day)).size, rows: inputs.usage.length };
    };
    const cold = await run();
    const warm: Awaited<ReturnType<typeof run>>[] = [];
    for (let i = 0; i < 5; i++) warm.push(await run());
    console.log(`cost page data: ${fleet.services.length} services in ${projects.length} projects, ${cold.rows} service-days of usage over ${cold.days} days; ${machine()}`);
    console.log("| load | upstream calls | time |\n|---|---|---|");
    console.log(`| cold (catalog fetched) | ${cold.calls} | ${ms(cold.time)} |`);
    console.log(`| warm (catalog cached 1 h) | ${warm[0].calls} | ${ms(median(warm.map((w) => w.time)))} |`);
    console.log(`month to date over the fleet: $${cold.report?.total.monthToDate.toFixed(2)}, forecast $${cold.report?.total.forecast.toFixed(2)}`);
  });
}
