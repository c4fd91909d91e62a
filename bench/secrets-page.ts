// The secrets page's data (issue 13) at 208 services with 150 ms injected per
// Google call: the page's reads now (ListSecrets and the versions while the
// fleet is listed, lib/secrets listSecrets given the fleet as a promise) side
// by side with the chained baseline (the fleet first, then the secrets), as
// ratios to one call's latency. Run caches are cleared before each round.
import { secretsClient, runClients } from "../lib/gcp/clients";
import { listSecrets } from "../lib/secrets/list";
import { invalidateFleet, listFleet } from "../lib/services/read";
import { EMULATOR_DEFAULT_LOCATIONS } from "../lib/services/locations";
import { withCountingEmulator } from "./in-process";
import { machine, median, ms } from "./lib";

const LATENCY = 150;
const ROUNDS = 5;

export default async function secretsPage() {
  await withCountingEmulator({ extraServices: 200 }, async ({ emulator }) => {
    const locations = [
      ...EMULATOR_DEFAULT_LOCATIONS,
      { project: "runway-synthetic", region: "us-central1" },
      { project: "runway-synthetic", region: "europe-west4" },
    ];
    const projects = [...new Set(locations.map((l) => l.project))];
    const run = runClients({ emulatorHost: emulator.endpoint });
    const secrets = secretsClient({ emulatorHost: emulator.endpoint });
    const chained = async () => listSecrets(projects, (await listFleet(locations, run)).services, secrets);
    const parallel = () =>
      listSecrets(
        projects,
        listFleet(locations, run).then((f) => f.services),
        secrets,
      );
    const time = async (fn: () => Promise<unknown>) => {
      const xs: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        invalidateFleet();
        const t0 = performance.now();
        await fn();
        xs.push(performance.now() - t0);
      }
      return median(xs);
    };
    await chained(); // warm-up
    emulator.faults.set({ latencyMs: LATENCY });
    const one = await time(() =>
      run.services.getService({ name: "projects/pyplots-prod/locations/europe-west4/services/pyplots-api" }),
    );
    const before = await time(chained);
    const after = await time(parallel);
    console.log(
      `secrets page data: ${projects.length} projects, 208 services, ${LATENCY} ms injected per Google call, median of ${ROUNDS}; ${machine()}`,
    );
    console.log("| reads | time | = one call's latency |\n|---|---|---|");
    console.log(`| one GetService | ${ms(one)} | 1.0× |`);
    console.log(`| baseline: fleet, then secrets | ${ms(before)} | ${(before / one).toFixed(1)}× |`);
    console.log(`| now: secrets while the fleet is listed | ${ms(after)} | ${(after / one).toFixed(1)}× |`);
    console.log(`| ratio baseline / now | ${(before / after).toFixed(1)}× | |`);
  });
}
