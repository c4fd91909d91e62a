// The fleet page with 200 extra services (issue 4): server time and upstream
// calls per page load, then the same page with 150 ms injected per Cloud Run
// call, reported as a ratio to one call's latency. The portal runs as
// `next start` (built if needed) against an in-process emulator on a
// throw-away PostgreSQL; everything stays on 127.0.0.1.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { startEmulator } from "../emulator";
import { runClients } from "../lib/gcp/clients";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { throwawayPostgres } from "../emulator/embedded-postgres";
import { freePort } from "../emulator/runtime/ports";
import { startChild, stopChild, waitForPort } from "../scripts/processes";
import { machine, median, ms, benchPortal } from "./lib";

const root = path.resolve(import.meta.dirname, "..");
const EXTRA = 200;
const LATENCY = 150;
// The portal caches each location's list for 5 s; a cold load waits that out
// (fleet health is cached 15 s and this month's cost 5 min, so those may not be re-read).
const CACHE_MS = 5_100;
const LOCATIONS = [
  ["intentvision-prod", "us-central1"],
  ["pyplots-prod", "europe-west4"],
  ["elevendops-prod", "us-central1"],
  ["shortfactory-prod", "us-central1"],
  ["ai-usage-analytics-prod", "us-central1"],
  ["runway-synthetic", "us-central1"],
  ["runway-synthetic", "europe-west4"],
] as const;

async function signIn(base: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${base}/api/auth/callback/local`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email: "viewer@runway.local", json: "true" }),
  });
  const session = res.headers.getSetCookie().find((c) => c.includes("session-token"));
  if (!session) throw new Error(`sign-in failed (${res.status})`);
  return `${cookie}; ${session.split(";")[0]}`;
}

/** Time to headers and to the whole streamed page, and the Google API calls it made (Run, Monitoring, Catalog). */
async function loadPage(base: string, cookie: string, calls: { n: number }) {
  const before = calls.n;
  const t0 = performance.now();
  const res = await fetch(`${base}/`, { headers: { cookie } });
  const ttfb = performance.now() - t0;
  const html = await res.text();
  const total = performance.now() - t0;
  // The table is virtualized (only the rows in view are in the DOM): check the page's count of services instead.
  if (!html.includes(`${EXTRA + 8} services in ${LOCATIONS.length} project/region pairs`))
    throw new Error("the page did not list the synthetic services");
  return { ttfb, total, calls: calls.n - before };
}

export default async function fleetPage() {
  const server = await throwawayPostgres("runway-bench-fleet");
  const suffix = randomBytes(4).toString("hex");
  await server.ensureDatabase(`bench_emulator_${suffix}`);
  await server.ensureDatabase(`bench_portal_${suffix}`);
  const emulator = await startEmulator({
    databaseUrl: server.url(`bench_emulator_${suffix}`),
    grpcPort: 0,
    routerPort: 0,
    extraServices: EXTRA,
  });
  // Count every RPC the emulator answers (each passes through fault injection).
  const calls = { n: 0 };
  const apply = emulator.faults.apply.bind(emulator.faults);
  emulator.faults.apply = (p: string) => (calls.n++, apply(p));

  const portalUrl = server.url(`bench_portal_${suffix}`);
  const baseEnv = await benchPortal(root, portalUrl, LOCATIONS, emulator.endpoint);

  const port = await freePort();
  const env = { ...baseEnv, AUTH_URL: `http://127.0.0.1:${port}` };
  await buildIfNeeded(root, env);
  const next = startChild(
    "portal",
    path.join(root, "node_modules/.bin/next"),
    ["start", "-p", String(port), "-H", "127.0.0.1"],
    { cwd: root, env, stdio: "ignore" },
  );
  try {
    await waitForPort("127.0.0.1", port, 60_000);
    const base = `http://127.0.0.1:${port}`;
    const cookie = await signIn(base);
    await loadPage(base, cookie, calls); // warm-up (compiles nothing, fills connection pools)

    const rounds = async (label: string, n: number) => {
      const cold = [] as Awaited<ReturnType<typeof loadPage>>[];
      const warm = [] as Awaited<ReturnType<typeof loadPage>>[];
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, CACHE_MS));
        cold.push(await loadPage(base, cookie, calls));
        warm.push(await loadPage(base, cookie, calls));
      }
      const row = (kind: string, xs: typeof cold) =>
        `| ${label} | ${kind} | ${ms(median(xs.map((x) => x.ttfb)))} | ${ms(median(xs.map((x) => x.total)))} | ${median(xs.map((x) => x.calls))} |`;
      // Only the 5 s service-list cache is waited out: fleet health (15 s) and cost (5 min) may still be cached.
      return [row("cold (5 s list cache expired)", cold), row("warm (within 5 s)", warm)];
    };

    const services = (
      await runClients({ emulatorHost: emulator.endpoint }).services.listServices({
        parent: "projects/runway-synthetic/locations/us-central1",
      })
    )[0].length;
    console.log(
      `fleet page: ${EXTRA} synthetic + 8 seeded services in 7 locations (${services} in runway-synthetic/us-central1); ${machine()}`,
    );
    console.log(
      "| injected latency | load | time to first byte | whole page | Google API calls |\n|---|---|---|---|---|",
    );
    for (const line of await rounds("none", 5)) console.log(line);

    emulator.faults.set({ latencyMs: LATENCY });
    const client = runClients({ emulatorHost: emulator.endpoint }).services;
    const single: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await client.getService({ name: "projects/pyplots-prod/locations/europe-west4/services/pyplots-api" });
      single.push(performance.now() - t0);
    }
    const lines = await rounds(`${LATENCY} ms per call`, 3);
    for (const line of lines) console.log(line);
    const coldTotal = Number(/\| ([\d.]+) ms \| \d+ \|$/.exec(lines[0])![1]);
    // Baseline: the same listing done one location after another.
    const sequential: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      for (const parent of LOCATIONS)
        await client.listServices({ parent: `projects/${parent[0]}/locations/${parent[1]}` });
      sequential.push(performance.now() - t0);
    }
    console.log(
      `one GetService with ${LATENCY} ms injected: ${ms(median(single))}; cold page / one call = ${(coldTotal / median(single)).toFixed(2)}`,
    );
    console.log(
      `baseline, the 7 ListServices one after another (no page): ${ms(median(sequential))} = ${(median(sequential) / median(single)).toFixed(2)} calls' latency`,
    );
  } finally {
    await stopChild(next);
    await emulator.stop();
    await server.stop();
  }
}
