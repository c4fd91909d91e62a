// The utilization metrics through the official Monitoring client, measured on
// a real instance: it holds 96 MiB under a 256 MiB limit and spins 40 ms of
// CPU per request under a 1 vCPU limit, so memory utilization must sit above
// 96/256 and CPU utilization must reach well above idle while it is busy.
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import monitoring from "@google-cloud/monitoring";
import { createEmptyDatabase } from "../../test/databases";
import {
  CALL,
  clientOptions,
  hostOf,
  request,
  startTestEmulator,
  waitFor,
  type TestEmulator,
} from "../testing/harness";
import { parsePsTime, readProcessStats } from "./utilization";

const PROJECT = "utilization";
const parent = `projects/${PROJECT}/locations/us-central1`;
const MEMORY = 'metric.type = "run.googleapis.com/container/memory/utilizations"';
const CPU = 'metric.type = "run.googleapis.com/container/cpu/utilizations"';
let t: TestEmulator;
let mon: InstanceType<typeof monitoring.MetricServiceClient>;
let revision = "";

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"), {
    telemetry: { utilizationSampleMs: 100 },
  });
  mon = new monitoring.MetricServiceClient(clientOptions(t.emulator.grpcPort));
  const container = {
    name: "app",
    image: "gcr.io/u/hello:v1",
    resources: { limits: { cpu: "1", memory: "256Mi" } },
    env: [
      { name: "HOLD_MIB", value: "96" },
      { name: "CPU_MS", value: "40" },
    ],
  };
  const [op] = await t.services.createService(
    { parent, serviceId: "busy", service: { template: { containers: [container] } } },
    CALL,
  );
  await op.promise();
  const [svc] = await t.services.getService({ name: `${parent}/services/busy` }, CALL);
  revision = svc.latestReadyRevision!.split("/").pop()!;
  // About two seconds of requests, each spinning 40 ms of CPU.
  const host = hostOf(svc.uri!);
  for (let i = 0; i < 40; i++) expect((await request(t.emulator.routerPort, host, "/")).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await mon?.close();
  await t?.close();
});

const lastMinutes = (n: number) => {
  const end = Math.ceil(Date.now() / 1000) + 60;
  return { startTime: { seconds: end - n * 60 }, endTime: { seconds: end } };
};

it("describes both metrics as Google does: DELTA DISTRIBUTION of a fraction, label container_name, on cloud_run_revision", async () => {
  for (const type of [
    "run.googleapis.com/container/memory/utilizations",
    "run.googleapis.com/container/cpu/utilizations",
  ]) {
    const [d] = await mon.getMetricDescriptor({ name: `projects/${PROJECT}/metricDescriptors/${type}` }, CALL);
    expect(d).toMatchObject({
      type,
      metricKind: "DELTA",
      valueType: "DISTRIBUTION",
      unit: "10^2.%",
      monitoredResourceTypes: ["cloud_run_revision"],
    });
    expect(d.labels!.map((l) => l.key)).toEqual(["container_name"]);
  }
});

it("measures memory as the process's resident set over the revision's memory limit", async () => {
  const series = await waitFor(
    async () => {
      const [s] = await mon.listTimeSeries(
        { name: `projects/${PROJECT}`, filter: MEMORY, interval: lastMinutes(5) },
        CALL,
      );
      return s.length === 1 && s[0].points!.some((p) => Number(p.value!.distributionValue!.count) >= 3)
        ? s[0]
        : undefined;
    },
    "memory samples",
    20_000,
    200,
  );
  const s = series;
  expect(s.metricKind).toBe("DELTA");
  expect(s.valueType).toBe("DISTRIBUTION");
  expect(s.unit).toBe("10^2.%");
  expect(s.resource).toEqual({
    type: "cloud_run_revision",
    labels: {
      project_id: PROJECT,
      service_name: "busy",
      revision_name: revision,
      location: "us-central1",
      configuration_name: "busy",
    },
  });
  expect(s.metric!.labels).toEqual({ container_name: "app" });
  const d = s.points![0].value!.distributionValue!;
  expect(d.bucketOptions!.linearBuckets).toEqual({ numFiniteBuckets: 100, width: 0.01, offset: 0 });
  expect(d.mean).toBeGreaterThan(96 / 256);
  expect(d.mean).toBeLessThan(1);
  // The same fraction the process shows right now (RSS drifts a little between samples).
  const live = t.emulator.liveInstances().find((i) => i.spec.service === "busy")!;
  const now = (await readProcessStats([live.pid])).get(live.pid)!;
  expect(Math.abs(d.mean! - now.rssBytes / (256 * 2 ** 20))).toBeLessThan(0.1);
  // Counts: one sample per instance per tick, all in the finite buckets.
  const counts = d.bucketCounts!.map(Number);
  expect(counts.reduce((a: number, b: number) => a + b, 0)).toBe(Number(d.count));
});

it("measures CPU as CPU seconds over wall seconds × the vCPU limit, readable as a percentile", async () => {
  const [series] = await mon.listTimeSeries(
    {
      name: `projects/${PROJECT}`,
      filter: `${CPU} AND resource.labels.service_name = "busy"`,
      interval: lastMinutes(5),
      aggregation: {
        alignmentPeriod: { seconds: 300 },
        perSeriesAligner: "ALIGN_PERCENTILE_99",
        crossSeriesReducer: "REDUCE_MAX",
        groupByFields: ["resource.labels.revision_name"],
      },
    },
    CALL,
  );
  expect(series).toHaveLength(1);
  expect(series[0].resource!.labels!.revision_name).toBe(revision);
  const p99 = series[0].points![0].value!.doubleValue!;
  // An idle Node process uses about 1 % of a vCPU; while spinning this one used far more
  // (how much depends on how busy the shared machine is), never much more than its one vCPU.
  expect(p99).toBeGreaterThan(0.15);
  expect(p99).toBeLessThan(1.2);
});

it("reads ps's CPU time in all its forms", () => {
  expect(parsePsTime("0:01.50")).toBeCloseTo(1.5);
  expect(parsePsTime("01:02:03")).toBe(3723);
  expect(parsePsTime("2-00:00:01")).toBe(172_801);
});
