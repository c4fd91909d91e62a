// Fleet health for 208 services (issue 5): Monitoring calls and time per
// fleet page, Runway's group-by queries side by side with a per-service loop.
import { machine, median, ms } from "./lib";
import { withCountingEmulator } from "./in-process";
import { observabilityClients, runClients } from "../lib/gcp/clients";
import { fleetHealth, healthQueries } from "../lib/observability/fleet-health";
import { EMULATOR_DEFAULT_LOCATIONS } from "../lib/services/locations";
import { listFleet } from "../lib/services/read";

const PROJECTS = [...new Set(EMULATOR_DEFAULT_LOCATIONS.map((l) => l.project)), "runway-synthetic"];

export default async function fleetHealthBench() {
  await withCountingEmulator({ extraServices: 200 }, async ({ emulator, calls }) => {
    const clients = observabilityClients({ emulatorHost: emulator.endpoint });
    const fleet = await listFleet(
      [
        ...EMULATOR_DEFAULT_LOCATIONS,
        { project: "runway-synthetic", region: "us-central1" },
        { project: "runway-synthetic", region: "europe-west4" },
      ],
      runClients({ emulatorHost: emulator.endpoint }),
    );
    const services = fleet.services;

    // The baseline asks the same three questions once per service.
    const perService = () =>
      Promise.all(
        services.map(async (s) => {
          const q = healthQueries(s.project, new Date());
          const only = <R extends { filter: string }>(r: R): R => ({
            ...r,
            filter: `${r.filter} AND resource.labels.service_name="${s.id}"`,
          });
          await Promise.all([
            clients.metrics.listTimeSeries(only(q.requests)),
            clients.metrics.listTimeSeries(only(q.p95)),
            clients.metrics.listTimeSeries(only(q.p99)),
          ]);
        }),
      );

    const measure = async (label: string, fn: () => Promise<unknown>, rounds: number) => {
      await fn(); // warm-up
      const times: number[] = [];
      let perRound = 0;
      for (let i = 0; i < rounds; i++) {
        const before = calls.n;
        const t0 = performance.now();
        await fn();
        times.push(performance.now() - t0);
        perRound = calls.n - before;
      }
      return { label, calls: perRound, time: median(times) };
    };

    console.log(`fleet health: ${services.length} services in ${PROJECTS.length} projects; ${machine()}`);
    console.log("| injected latency | approach | Monitoring calls | time (median) |\n|---|---|---|---|");
    for (const latency of [0, 150]) {
      emulator.faults.set(latency ? { latencyMs: latency, method: "ListTimeSeries" } : []);
      const runway = await measure("Runway: 3 group-by calls per project", () => fleetHealth(PROJECTS, clients), 5);
      const loop = await measure("baseline: 3 calls per service", perService, 3);
      for (const r of [runway, loop]) console.log(`| ${latency} ms | ${r.label} | ${r.calls} | ${ms(r.time)} |`);
      console.log(
        `| ${latency} ms | ratio baseline / Runway | ${(loop.calls / runway.calls).toFixed(1)}× | ${(loop.time / runway.time).toFixed(1)}× |`,
      );
    }
  });
}
