// Live tail in Chromium (issue 13): from a request hitting a service to its
// line being in the log explorer's DOM, with "Live tail" on, for this
// checkout's portal and, side by side on the same requests, a baseline
// checkout's portal (its own `next build`), both against one in-process
// emulator. Each portal runs `next start` on a free port.
//
//   npm run bench -- tail-browser [baseline checkout dir]
import { randomBytes } from "node:crypto";
import path from "node:path";
import { chromium, type Page } from "playwright";
import { startEmulator } from "../emulator";
import { throwawayPostgres } from "../emulator/embedded-postgres";
import { freePort } from "../emulator/runtime/ports";
import { runClients } from "../lib/gcp/clients";
import { getService } from "../lib/services/read";
import { chromiumPath } from "../scripts/chromium-path";
import { startChild, stopChild, waitForPort } from "../scripts/processes";
import { signIn } from "./fleet-browser";
import { machine, median, ms, percentile, benchPortal, routerGet } from "./lib";

const root = path.resolve(import.meta.dirname, "..");
const SAMPLES = 30;
const REF = { project: "pyplots-prod", region: "europe-west4", service: "pyplots-frontend" };

export default async function tailBrowser(args: string[]) {
  const baselineRoot = args[0] ? path.resolve(args[0]) : undefined;
  const server = await throwawayPostgres("runway-bench-tail-browser");
  const suffix = randomBytes(4).toString("hex");
  await server.ensureDatabase(`bench_emulator_${suffix}`);
  await server.ensureDatabase(`bench_portal_${suffix}`);
  const emulator = await startEmulator({
    databaseUrl: server.url(`bench_emulator_${suffix}`),
    grpcPort: 0,
    routerPort: 0,
  });
  const portalUrl = server.url(`bench_portal_${suffix}`);
  const env = await benchPortal(root, portalUrl, [[REF.project, REF.region]], emulator.endpoint);
  const portals = [...(baselineRoot ? [{ label: "baseline", dir: baselineRoot }] : []), { label: "now", dir: root }];
  const running: { label: string; child: ReturnType<typeof startChild>; page?: Page; times: number[] }[] = [];
  const browser = await chromium.launch({ executablePath: chromiumPath() });
  try {
    const { service } = await getService(REF, runClients({ emulatorHost: emulator.endpoint }));
    const host = new URL(service.uri!).host;
    await routerGet(emulator.routerPort, host, "/health"); // cold start out of the way
    for (const p of portals) {
      const port = await freePort();
      const child = startChild(
        `portal-${p.label}`,
        path.join(p.dir, "node_modules/.bin/next"),
        ["start", "-p", String(port), "-H", "127.0.0.1"],
        { cwd: p.dir, env: { ...env, AUTH_URL: `http://127.0.0.1:${port}` }, stdio: ["ignore", "ignore", "inherit"] },
      );
      const entry: (typeof running)[number] = { label: p.label, child, times: [] };
      running.push(entry);
      await waitForPort("127.0.0.1", port, 60_000);
      const base = `http://127.0.0.1:${port}`;
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies((await signIn(base)).map((c) => ({ ...c, url: base })));
      entry.page = await context.newPage();
      await entry.page.goto(
        `${base}/logs?${new URLSearchParams({ project: REF.project, service: REF.service, kind: "requests" })}`,
      );
      await entry.page.getByRole("button", { name: "Live tail" }).click();
      await entry.page.getByText("streaming new entries").waitFor({ timeout: 30_000 });
    }
    for (let i = 0; i < SAMPLES; i++) {
      const marker = `tailmark${i}x${Date.now()}`;
      const t0 = performance.now();
      await routerGet(emulator.routerPort, host, `/health?${marker}`);
      await Promise.all(
        running.map(async (r) => {
          await r.page!.waitForFunction((m) => document.body.innerText.includes(m), marker, {
            polling: "raf",
            timeout: 15_000,
          });
          r.times.push(performance.now() - t0);
        }),
      );
      await new Promise((r) => setTimeout(r, 50 + ((i * 37) % 200)));
    }
    console.log(
      `live tail in Chromium: request → line in the log explorer's DOM, ${SAMPLES} requests one at a time, all portals' tails open at once; ${machine()}`,
    );
    console.log("| portal | p50 | p95 | max |\n|---|---|---|---|");
    const stats = running.map((r) => {
      const s = [...r.times].sort((a, b) => a - b);
      return { label: r.label, p50: median(s), p95: percentile(s, 95), max: s[s.length - 1] };
    });
    for (const s of stats) console.log(`| ${s.label} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} |`);
    if (stats.length === 2)
      console.log(
        `| ratio baseline / now | ${(stats[0].p50 / stats[1].p50).toFixed(1)}× | ${(stats[0].p95 / stats[1].p95).toFixed(1)}× | |`,
      );
    console.log("goal: p95 ≤ 1.0 s");
  } finally {
    await browser.close();
    for (const r of running) await stopChild(r.child);
    await emulator.stop();
    await server.stop();
  }
}
