// Uptime checks really probe: a check on a service's /health passes, then
// fails once a revision answers /health with 503, as check_passed and
// request_latency read through ListTimeSeries show; a check may also name the
// Cloud Run service itself. Tests probe every 300 ms (uptimePeriodMs).
import monitoring, { protos } from "@google-cloud/monitoring";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../../test/databases";
import {
  CALL,
  clientOptions,
  deployHello,
  startTestEmulator,
  waitFor,
  type TestEmulator,
} from "../../../testing/harness";

const Region = protos.google.monitoring.v3.UptimeCheckRegion;
const PROJECT = "uptime-probe";
const parent = `projects/${PROJECT}/locations/us-central1`;
let t: TestEmulator;
let uptime: InstanceType<typeof monitoring.UptimeCheckServiceClient>;
let metrics: InstanceType<typeof monitoring.MetricServiceClient>;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"), {
    alerting: { uptimePeriodMs: 300 },
  });
  uptime = new monitoring.UptimeCheckServiceClient(clientOptions(t.emulator.grpcPort));
  metrics = new monitoring.MetricServiceClient(clientOptions(t.emulator.grpcPort));
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([uptime?.close(), metrics?.close()]);
  await t?.close();
});

const deploy = (service: string, env: Record<string, string>, create = false) =>
  deployHello(t, parent, service, env, create);

/** The newest check_passed value per checker location of one check, and the newest latency. */
async function latest(checkId: string) {
  const now = Math.ceil(Date.now() / 1000) + 1;
  const read = async (type: string) =>
    (
      await metrics.listTimeSeries(
        {
          name: `projects/${PROJECT}`,
          filter: `metric.type = "monitoring.googleapis.com/uptime_check/${type}" AND metric.labels.check_id = "${checkId}"`,
          interval: { startTime: { seconds: now - 120 }, endTime: { seconds: now } },
        },
        { ...CALL, autoPaginate: false },
      )
    )[0];
  const passed = await read("check_passed");
  const latency = await read("request_latency");
  return {
    passed: Object.fromEntries(passed.map((s) => [s.metric!.labels!.checker_location, s.points![0].value!.boolValue])),
    resource: passed[0]?.resource,
    latencyMs: latency[0]?.points?.[0]?.value?.doubleValue,
  };
}

describe("uptime checks", () => {
  it("pass while /health answers and fail once it breaks, per checker location", async () => {
    const host = await deploy("api", {}, true);
    const [check] = await uptime.createUptimeCheckConfig(
      {
        parent: `projects/${PROJECT}`,
        uptimeCheckConfig: {
          displayName: "api health",
          monitoredResource: { type: "uptime_url", labels: { host } },
          httpCheck: { path: "/health" },
          period: { seconds: 60 },
          timeout: { seconds: 10 },
          selectedRegions: [Region.USA, Region.EUROPE, Region.ASIA_PACIFIC],
        },
      },
      CALL,
    );
    const id = check.name!.split("/").pop()!;
    await waitFor(
      async () => {
        const l = await latest(id);
        return Object.keys(l.passed).length === 5 && Object.values(l.passed).every((v) => v === true);
      },
      "passing checks from 5 locations",
      20_000,
      200,
    );
    const up = await latest(id);
    expect(Object.keys(up.passed).sort()).toEqual([
      "apac-singapore",
      "eur-belgium",
      "usa-iowa",
      "usa-oregon",
      "usa-virginia",
    ]);
    expect(up.resource).toMatchObject({ type: "uptime_url", labels: { host, project_id: PROJECT } });
    expect(up.latencyMs).toBeGreaterThan(0);

    await deploy("api", { FAIL_HEALTH: "1" });
    await waitFor(
      async () => Object.values((await latest(id)).passed).every((v) => v === false),
      "failing checks",
      20_000,
      200,
    );
    // What an "uptime failing" policy reads: failed locations per check in the newest minute.
    const now = Math.ceil(Date.now() / 1000);
    const [failed] = await metrics.listTimeSeries(
      {
        name: `projects/${PROJECT}`,
        filter: `metric.type = "monitoring.googleapis.com/uptime_check/check_passed" AND metric.labels.check_id = "${id}"`,
        interval: { startTime: { seconds: now - 60 }, endTime: { seconds: now } },
        aggregation: {
          alignmentPeriod: { seconds: 60 },
          perSeriesAligner: "ALIGN_NEXT_OLDER",
          crossSeriesReducer: "REDUCE_COUNT_FALSE",
          groupByFields: ["metric.labels.check_id"],
        },
      },
      { ...CALL, autoPaginate: false },
    );
    expect(failed.map((s) => [s.metric!.labels!.check_id, Number(s.points![0].value!.int64Value)])).toEqual([[id, 5]]);
  }, 90_000);

  it("checks a Cloud Run service named as the resource, and fails a path that does not answer 2xx", async () => {
    await deploy("web", {}, true);
    const create = async (path: string) =>
      (
        await uptime.createUptimeCheckConfig(
          {
            parent: `projects/${PROJECT}`,
            uptimeCheckConfig: {
              displayName: `run ${path}`,
              monitoredResource: {
                type: "cloud_run_revision",
                labels: { service_name: "web", location: "us-central1" },
              },
              httpCheck: { path },
              timeout: { seconds: 5 },
            },
          },
          CALL,
        )
      )[0]
        .name!.split("/")
        .pop()!;
    const good = await create("/");
    const bad = await create("/missing-page");
    await waitFor(
      async () => Object.values((await latest(good)).passed).some((v) => v === true),
      "the service check to pass",
      20_000,
      200,
    );
    await waitFor(
      async () => Object.keys((await latest(bad)).passed).length > 0,
      "the missing page check",
      20_000,
      200,
    );
    const l = await latest(bad);
    expect(Object.values(l.passed).every((v) => v === false)).toBe(true);
    expect(l.resource).toMatchObject({
      type: "cloud_run_revision",
      labels: { service_name: "web", location: "us-central1" },
    });
  }, 90_000);
});
