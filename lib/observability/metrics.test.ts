// Fleet health, service charts and cost usage read back through the official
// Monitoring client from requests this test sends through the emulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchViaRouter, startTestEmulator } from "../../test/emulator";
import { monthWindow, readMonth } from "../cost/usage";
import { observabilityClients, type ObservabilityClients } from "../gcp/clients";
import { getService } from "../services";
import { fleetHealth } from "./fleet-health";
import { serviceChart } from "./service-metrics";

let clients: ObservabilityClients;
let stop: () => Promise<void>;
/** When the requests were sent: the month whose usage holds them. */
let sentAt: Date;
const ref = { project: "elevendops-prod", region: "us-central1", service: "elevendops" };

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  const t = await startTestEmulator();
  stop = () => t.emulator.stop();
  clients = observabilityClients({ emulatorHost: t.emulator.endpoint });
  const { service } = await getService(ref, t.clients);
  sentAt = new Date();
  for (let i = 0; i < 40; i++) await fetchViaRouter(service.uri!, t.emulator.routerPort, "/health");
  for (let i = 0; i < 10; i++) await fetchViaRouter(service.uri!, t.emulator.routerPort, "/no-such-page");
}, 120_000);

afterAll(async () => {
  await stop?.();
});

describe("metrics", () => {
  it("fleet health counts the requests and their errors per service with three calls", async () => {
    const health = await eventually(
      () => fleetHealth([ref.project], clients, new Date(Date.now() + 60_000)),
      (h) => (h.rows[0]?.requestsPerSecond ?? 0) * 300 >= 50,
    );
    expect(health.failures).toEqual([]);
    const row = health.rows.find((r) => r.service === ref.service)!;
    expect(row.requestsPerSecond * 300).toBeCloseTo(50, 5);
    expect(row.errorRate).toBe(0); // 404s are client errors, not 5xx
    expect(row.p95Ms).not.toBeNull();
    expect(row.breaches).toEqual([]);
  });

  it("charts request rate per revision and a 0% error rate", async () => {
    // Instances flush their request counts in batches: wait until the chart holds all 50, not merely some.
    const totalOf = (c: Awaited<ReturnType<typeof serviceChart>>) =>
      c.points.reduce((s, p) => s + ((p[c.series[0]] as number) ?? 0) * 60, 0);
    const requests = await eventually(
      () => serviceChart({ ...ref, chart: "requests", range: "1h" }, clients, new Date(Date.now() + 60_000)),
      (c) => c.series.length > 0 && totalOf(c) >= 50 - 1e-6,
    );
    expect(requests.series).toHaveLength(1);
    expect(totalOf(requests)).toBeCloseTo(50, 5);
    const errors = await serviceChart({ ...ref, chart: "errors", range: "1h" }, clients, new Date(Date.now() + 60_000));
    // Every minute that had requests shows exactly 0 % (the 404s are not 5xx), and no other minute shows a value.
    expect(errors.series).toEqual(requests.series);
    expect(errors.points.map((p) => [p.t, p[errors.series[0]]])).toEqual(requests.points.map((p) => [p.t, 0]));
    const latency = await serviceChart(
      { ...ref, chart: "latency", range: "1h" },
      clients,
      new Date(Date.now() + 60_000),
    );
    expect(latency.series.map((s) => s.split(" ")[1]).sort()).toEqual(["p50", "p95", "p99"]);
  });

  it("reads this month's usage per service and day for the cost page", async () => {
    // From the 1st of the month the requests were sent in to the end of today.
    const { start } = monthWindow(sentAt);
    const { end } = monthWindow(new Date());
    const usage = await eventually(
      () => readMonth(clients, ref.project, start, end),
      (u) => u.filter((x) => x.service === ref.service).reduce((n, x) => n + x.requests, 0) >= 50,
    );
    // The 50 requests fall on one UTC day, or on two when the test ran across midnight.
    const days = usage.filter((u) => u.service === ref.service && u.requests > 0);
    expect(days.length).toBeGreaterThanOrEqual(1);
    expect(days.reduce((n, u) => n + u.requests, 0)).toBe(50);
    for (const d of days) {
      expect(d.day).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(d.vcpuSeconds).toBeGreaterThan(0);
      expect(d.gibSeconds).toBeGreaterThan(0);
    }
  });

  it("charts memory and CPU utilization per revision as % of the limit, or no data where Monitoring has none (never an error)", async () => {
    for (const chart of ["memory", "cpu"] as const) {
      const c = await serviceChart({ ...ref, chart, range: "1h" }, clients, new Date(Date.now() + 60_000));
      expect(c.unit).toBe("% of limit, p99");
      for (const name of c.series) expect(name).toMatch(/^elevendops-\d{5}-[a-z0-9]{3}$/);
      for (const p of c.points)
        for (const name of c.series) if (p[name] !== null) expect(p[name]).toBeGreaterThanOrEqual(0);
    }
  });
});
