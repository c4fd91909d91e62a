// SLO numbers through ListTimeSeries' selectors, on real requests: an
// availability SLO's compliance, budget fraction and burn rate start perfect
// and fall as a failing revision answers 500s; a basic latency SLI counts the
// requests under its threshold; bad selectors are INVALID_ARGUMENT.
import monitoring from "@google-cloud/monitoring";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../../test/databases";
import {
  CALL,
  clientOptions,
  code,
  deployHello,
  request,
  startTestEmulator,
  waitFor,
  type TestEmulator,
} from "../../../testing/harness";

const PROJECT = "slo-numbers";
const parent = `projects/${PROJECT}/locations/us-central1`;
let t: TestEmulator;
let slos: InstanceType<typeof monitoring.ServiceMonitoringServiceClient>;
let metrics: InstanceType<typeof monitoring.MetricServiceClient>;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  slos = new monitoring.ServiceMonitoringServiceClient(clientOptions(t.emulator.grpcPort));
  metrics = new monitoring.MetricServiceClient(clientOptions(t.emulator.grpcPort));
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([slos?.close(), metrics?.close()]);
  await t?.close();
});

const deploy = (service: string, env: Record<string, string>, create = false) =>
  deployHello(t, parent, service, env, create);

async function selector(filter: string, aggregation?: Record<string, unknown>) {
  // The end of the current minute, so this minute's requests count.
  const end = Math.ceil(Date.now() / 60_000) * 60;
  const [series] = await metrics.listTimeSeries(
    {
      name: `projects/${PROJECT}`,
      filter,
      interval: { startTime: { seconds: end - 3600 }, endTime: { seconds: end } },
      ...(aggregation ? { aggregation } : {}),
    },
    { ...CALL, autoPaginate: false },
  );
  return series[0]?.points?.map((p) => p.value!.doubleValue!) ?? [];
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

describe("SLO selectors", () => {
  it("budget fraction falls as errors arrive; compliance and burn rate follow", async () => {
    const host = await deploy("orders", {}, true);
    const [svc] = await slos.createService(
      {
        parent: `projects/${PROJECT}`,
        serviceId: "orders",
        service: { displayName: "Orders", cloudRun: { serviceName: "orders", location: "us-central1" } },
      },
      CALL,
    );
    const filter = (extra: string) =>
      `metric.type = "run.googleapis.com/request_count" AND resource.labels.service_name = "orders"${extra}`;
    const [slo] = await slos.createServiceLevelObjective(
      {
        parent: svc.name,
        serviceLevelObjectiveId: "availability",
        serviceLevelObjective: {
          displayName: "90% available",
          goal: 0.9,
          rollingPeriod: { seconds: 86400 },
          serviceLevelIndicator: {
            requestBased: {
              goodTotalRatio: {
                badServiceFilter: filter(' AND metric.labels.response_code_class = "5xx"'),
                totalServiceFilter: filter(""),
              },
            },
          },
        },
      },
      CALL,
    );
    const name = slo.name!;
    expect(await selector(`select_slo_budget_fraction("${name}")`)).toEqual([]);

    for (let i = 0; i < 20; i++) expect((await request(t.emulator.routerPort, host, "/")).status).toBe(200);
    expect(await selector(`select_slo_compliance("${name}")`)).toEqual([1]);
    expect(await selector(`select_slo_budget_fraction("${name}")`)).toEqual([1]);

    await deploy("orders", { ERROR_RATE: "1" });
    expect((await request(t.emulator.routerPort, host, "/")).status).toBe(500);
    const [budget] = await waitFor(
      () => selector(`select_slo_budget_fraction("${name}")`).then((v) => (v[0] < 1 ? v : undefined)),
      "the budget to fall",
      10_000,
    );
    expect(close(budget, 1 - 1 / 21 / 0.1)).toBe(true);
    const [burn] = await selector(`select_slo_burn_rate("${name}", "3600s")`);
    expect(close(burn, 1 / 21 / 0.1)).toBe(true);
    expect(close((await selector(`select_slo_compliance("${name}")`))[0], 20 / 21)).toBe(true);

    for (let i = 0; i < 3; i++) expect((await request(t.emulator.routerPort, host, "/")).status).toBe(500);
    const [after] = await selector(`select_slo_budget_fraction("${name}")`);
    expect(close(after, 1 - 4 / 24 / 0.1)).toBe(true);
    expect(after).toBeLessThan(0);
    // Health per aligned minute: this minute's share of good requests.
    const health = await selector(`select_slo_health("${name}")`, {
      alignmentPeriod: { seconds: 60 },
      perSeriesAligner: "ALIGN_MEAN",
    });
    expect(health[0]).toBeLessThan(1);
  }, 90_000);

  it("a basic latency SLI counts requests under its threshold", async () => {
    const host = await deploy("reports", { LATENCY_MS: "300" }, true);
    const [svc] = await slos.createService(
      {
        parent: `projects/${PROJECT}`,
        serviceId: "reports",
        service: { cloudRun: { serviceName: "reports", location: "us-central1" } },
      },
      CALL,
    );
    const [slo] = await slos.createServiceLevelObjective(
      {
        parent: svc.name,
        serviceLevelObjectiveId: "fast",
        serviceLevelObjective: {
          goal: 0.5,
          calendarPeriod: "DAY",
          serviceLevelIndicator: { basicSli: { latency: { threshold: { seconds: 0, nanos: 100_000_000 } } } },
        },
      },
      CALL,
    );
    for (let i = 0; i < 4; i++) expect((await request(t.emulator.routerPort, host, "/")).status).toBe(200);
    expect(await selector(`select_slo_compliance("${slo.name}")`)).toEqual([0]);
    expect(await selector(`select_slo_budget_fraction("${slo.name}")`)).toEqual([-1]);
  }, 60_000);

  it("refuses malformed selectors and unknown SLOs", async () => {
    const end = Math.floor(Date.now() / 1000);
    const list = (filter: string) =>
      code(
        metrics.listTimeSeries(
          { name: `projects/${PROJECT}`, filter, interval: { endTime: { seconds: end } } },
          { ...CALL, autoPaginate: false },
        ),
      );
    expect(
      (await list(`select_slo_burn_rate("projects/${PROJECT}/services/x/serviceLevelObjectives/y")`)).details,
    ).toContain("lookback");
    expect(
      (await list(`select_slo_budget_fraction("projects/${PROJECT}/services/x/serviceLevelObjectives/y")`)).code,
    ).toBe(5);
    expect((await list("select_slo_everything()")).code).toBe(3);
  });
});
