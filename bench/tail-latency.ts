// Live tail latency (issue 5): from a request hitting a service to its line
// arriving through TailLogEntries in the portal's tail reader (the browser's
// EventSource adds one local SSE hop on top). Baseline, in the same run: the
// same kind of request found by polling ListLogEntries back to back, i.e. the
// moment the entry is readable at all, and the round trip of one such poll.
// Bounded, loopback only; tail and poll samples alternate.
import { observabilityClients, runClients } from "../lib/gcp/clients";
import { buildLogFilter, LogQuery } from "../lib/observability/log-query";
import { tailLogs } from "../lib/observability/logs";
import { getService } from "../lib/services/read";
import { withCountingEmulator } from "./in-process";
import { machine, median, ms, percentile, routerGet } from "./lib";

const SAMPLES = 40;
const GIVE_UP_MS = 15_000;

async function within<T>(p: Promise<T>, timeoutMs: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((r) => (timer = setTimeout(() => r(fallback), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
  }
}

const row = (label: string, values: number[], samples: number) => {
  const got = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return {
    label,
    got,
    line: `| ${label} | ${got.length}/${samples} | ${ms(median(got))} | ${ms(percentile(got, 95))} | ${ms(got[got.length - 1])} |`,
  };
};

export default async function tailLatency() {
  await withCountingEmulator({}, async ({ emulator }) => {
    const ref = { project: "pyplots-prod", region: "europe-west4", service: "pyplots-frontend" };
    const clients = observabilityClients({ emulatorHost: emulator.endpoint });
    const { service } = await getService(ref, runClients({ emulatorHost: emulator.endpoint }));
    const host = new URL(service.uri!).host;
    await routerGet(emulator.routerPort, host, "/health"); // cold start out of the way
    const query = LogQuery.parse({ project: ref.project, service: ref.service, kind: "requests" });
    const waiting = new Map<string, (t: number) => void>();
    const abort = new AbortController();
    let opened: () => void = () => {};
    const open = new Promise<boolean>((resolve) => (opened = () => resolve(true)));
    tailLogs(
      query,
      (lines) => {
        const now = performance.now();
        for (const l of lines) for (const [marker, done] of waiting) if (l.request?.url.includes(marker)) done(now);
      },
      (err) => console.error(err.message),
      abort.signal,
      clients,
      () => opened(),
    );
    // Measure only once the tail session is open (its first response), instead of sleeping.
    if (!(await within(open, 10_000, false))) throw new Error("the tail session did not open within 10 s");

    /** Requests `/health?marker` and resolves when the tail delivers its line (NaN after GIVE_UP_MS). */
    const viaTail = async (marker: string) => {
      const arrived = new Promise<number>((resolve) => waiting.set(marker, resolve));
      const t0 = performance.now();
      await routerGet(emulator.routerPort, host, `/health?${marker}`);
      const t1 = await within(arrived, GIVE_UP_MS, Number.NaN);
      waiting.delete(marker);
      return t1 - t0;
    };
    const pollRoundTrips: number[] = [];
    /** Requests `/health?marker`, then polls ListLogEntries back to back until the line is there. */
    const viaPolling = async (marker: string) => {
      const filter = `${buildLogFilter({ ...query, range: "1h" })}\n${JSON.stringify(marker)}`;
      const t0 = performance.now();
      await routerGet(emulator.routerPort, host, `/health?${marker}`);
      while (performance.now() - t0 < GIVE_UP_MS) {
        const s = performance.now();
        const [entries] = await clients.logging.listLogEntries(
          { resourceNames: [`projects/${ref.project}`], filter, orderBy: "timestamp desc", pageSize: 5 },
          { autoPaginate: false, timeout: 20_000 },
        );
        pollRoundTrips.push(performance.now() - s);
        if (entries.length) return performance.now() - t0;
      }
      return Number.NaN;
    };

    const tail: number[] = [];
    const poll: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      tail.push(await viaTail(`tail-${i}-${Date.now()}`));
      poll.push(await viaPolling(`poll-${i}-${Date.now()}`));
    }
    abort.abort();
    const t = row("portal's tail reader (TailLogEntries)", tail, SAMPLES);
    const p = row("baseline: ListLogEntries polled back to back", poll, SAMPLES);
    const trip = [...pollRoundTrips].sort((a, b) => a - b);
    console.log(
      `live tail: ${SAMPLES} requests each way, alternating, one at a time; ${machine()}; emulator in this process`,
    );
    console.log("| request → line seen | received | p50 | p95 | max |\n|---|---|---|---|---|");
    console.log(t.line);
    console.log(p.line);
    console.log(
      `| one ListLogEntries round trip (${trip.length} polls) | — | ${ms(median(trip))} | ${ms(percentile(trip, 95))} | ${ms(trip[trip.length - 1])} |`,
    );
    console.log(
      `tail p50 / polling p50: ${(median(t.got) / median(p.got)).toFixed(2)}×; tail p50 − polling p50: ${ms(median(t.got) - median(p.got))} (the tail's buffer window)`,
    );
  });
}
