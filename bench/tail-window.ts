// Live tail with a short buffer_window (issue 13): from a request hitting a
// service to its line arriving in the portal's tail reader (tailLogs, which
// asks for TAIL_BUFFER_WINDOW), side by side with a tail on the same requests
// that leaves buffer_window unset (Google's default 2 s: what the portal got
// before, when the emulator flushed every 2 s whatever was asked). Both tails
// are open at once; requests go one at a time. Loopback only, bounded.
import { observabilityClients, runClients } from "../lib/gcp/clients";
import { LogQuery } from "../lib/observability/log-query";
import { TAIL_BUFFER_WINDOW, tailLogs } from "../lib/observability/logs";
import { getService } from "../lib/services/read";
import { withCountingEmulator } from "./in-process";
import { machine, median, ms, percentile, routerGet } from "./lib";

const SAMPLES = 40;

export default async function tailWindow() {
  await withCountingEmulator({}, async ({ emulator }) => {
    const ref = { project: "pyplots-prod", region: "europe-west4", service: "pyplots-frontend" };
    const { service } = await getService(ref, runClients({ emulatorHost: emulator.endpoint }));
    const host = new URL(service.uri!).host;
    await routerGet(emulator.routerPort, host, "/health"); // cold start out of the way
    const clients = observabilityClients({ emulatorHost: emulator.endpoint });
    const arrivals = { short: new Map<string, number>(), default: new Map<string, number>() };
    const note = (into: Map<string, number>, urls: string[]) => {
      const now = performance.now();
      for (const u of urls) {
        const m = /tail-\d+-\d+/.exec(u);
        if (m && !into.has(m[0])) into.set(m[0], now);
      }
    };
    const abort = new AbortController();
    let opened = 0;
    await new Promise<void>((resolve) => {
      const open = () => ++opened === 2 && resolve();
      tailLogs(
        LogQuery.parse({ project: ref.project, service: ref.service, kind: "requests" }),
        (lines) =>
          note(
            arrivals.short,
            lines.map((l) => l.request?.url ?? ""),
          ),
        (err) => console.error(err.message),
        abort.signal,
        clients,
        open,
      );
      const stream = clients.logging.tailLogEntries();
      stream.on("data", (m: { entries?: { httpRequest?: { requestUrl?: string | null } | null }[] }) => {
        open();
        note(
          arrivals.default,
          (m.entries ?? []).map((e) => e.httpRequest?.requestUrl ?? ""),
        );
      });
      stream.on("error", () => {});
      stream.write({
        resourceNames: [`projects/${ref.project}`],
        filter: `resource.labels.service_name="${ref.service}"`,
      });
      abort.signal.addEventListener("abort", () => stream.cancel());
    });
    const sent = new Map<string, number>();
    for (let i = 0; i < SAMPLES; i++) {
      const marker = `tail-${i}-${Date.now()}`;
      sent.set(marker, performance.now());
      await routerGet(emulator.routerPort, host, `/health?${marker}`);
      const deadline = performance.now() + 15_000;
      while (!(arrivals.short.has(marker) && arrivals.default.has(marker)) && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 50 + ((i * 37) % 200))); // spread the requests over the buffer phases
    }
    abort.abort();
    const latencies = (m: Map<string, number>) =>
      [...sent]
        .filter(([k]) => m.has(k))
        .map(([k, t0]) => m.get(k)! - t0)
        .sort((a, b) => a - b);
    const short = latencies(arrivals.short);
    const dflt = latencies(arrivals.default);
    const w = TAIL_BUFFER_WINDOW.seconds * 1000 + TAIL_BUFFER_WINDOW.nanos / 1e6;
    console.log(
      `live tail, request → line in the tail reader: ${SAMPLES} requests one at a time, both tails open at once; ${machine()}`,
    );
    console.log("| tail | received | p50 | p95 | max |\n|---|---|---|---|---|");
    console.log(
      `| baseline: buffer_window unset (Google's 2 s default) | ${dflt.length}/${SAMPLES} | ${ms(median(dflt))} | ${ms(percentile(dflt, 95))} | ${ms(dflt[dflt.length - 1])} |`,
    );
    console.log(
      `| portal: buffer_window ${w} ms | ${short.length}/${SAMPLES} | ${ms(median(short))} | ${ms(percentile(short, 95))} | ${ms(short[short.length - 1])} |`,
    );
    console.log(
      `| ratio baseline / portal | | ${(median(dflt) / median(short)).toFixed(1)}× | ${(percentile(dflt, 95) / percentile(short, 95)).toFixed(1)}× | |`,
    );
  });
}
