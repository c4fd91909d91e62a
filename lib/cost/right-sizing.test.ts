// Right-sizing from what Cloud Monitoring measured, through to each saving
// (issue 26 item 5): an oversized service (16 GiB and 4 vCPU for a small app,
// CPU always allocated, one request per instance) takes real requests through
// the emulator, then is deleted so its usage stops growing. The cost insight
// must suggest lower memory, CPU only during requests and higher concurrency,
// each saving being what this test recomputes on its own from Monitoring's
// series (read through the official client) and the Catalog's list prices.
import { randomUUID } from "node:crypto";
import { CloudCatalogClient } from "@google-cloud/billing";
import type { protos } from "@google-cloud/monitoring";
import { grpc } from "google-gax";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { startTestEmulator } from "../../test/emulator";
import { observabilityClients, type ObservabilityClients } from "../gcp/clients";
import { getService, type ServiceView } from "../services";
import { loadCostInsight } from "./load";

const ref = { project: "rightsize-proj", region: "us-central1", service: "oversized" };
const DAY = 86_400;
let emulator: Emulator;
let monitoring: ObservabilityClients;
let view: ServiceView;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const t = await startTestEmulator({ seed: false, idleTimeoutMs: 60_000 });
  emulator = t.emulator;
  monitoring = observabilityClients({ emulatorHost: t.emulator.endpoint });
  Object.assign(process.env, {
    DATABASE_URL: "postgresql://localhost/unused",
    AUTH_SECRET: randomUUID() + randomUUID(),
    GCP_EMULATOR_HOST: t.emulator.endpoint,
  });
  const parent = `projects/${ref.project}/locations/${ref.region}`;
  const [op] = await t.clients.services.createService(
    {
      parent,
      serviceId: ref.service,
      service: {
        template: {
          scaling: { minInstanceCount: 2, maxInstanceCount: 8 },
          maxInstanceRequestConcurrency: 1,
          containers: [
            {
              image: "gcr.io/c/hello:v1",
              env: [{ name: "LATENCY_MS", value: "300" }],
              resources: { limits: { cpu: "4", memory: "16Gi" }, cpuIdle: false },
            },
          ],
        },
      },
    },
    { timeout: 60_000 },
  );
  const [created] = await op.promise();
  ({ service: view } = await getService(ref, t.clients));
  // Several requests at once, one per instance: more than one instance serves at a time.
  emulator.load.set({ host: new URL(created.uri!).hostname, rps: 12, path: "/" });
  await new Promise((r) => setTimeout(r, 50_000));
  emulator.load.clear(new URL(created.uri!).hostname);
  // Gone, so its usage is final once the minutes it ran in have ended.
  const [gone] = await t.clients.services.deleteService({ name: created.name! }, { timeout: 60_000 });
  await gone.promise();
}, 240_000);

afterAll(async () => {
  process.env = savedEnv;
  await emulator?.stop();
});

type Series = protos.google.monitoring.v3.ITimeSeries;
const num = (p: protos.google.monitoring.v3.IPoint | undefined) =>
  Number(p?.value?.doubleValue ?? p?.value?.int64Value ?? 0);

async function series(
  filter: string,
  aggregation: protos.google.monitoring.v3.IAggregation,
  startTime: number,
  endTime: number,
): Promise<Series[]> {
  const [list] = await monitoring.metrics.listTimeSeries({
    name: `projects/${ref.project}`,
    filter: `${filter} AND resource.labels.service_name="${ref.service}"`,
    interval: { startTime: { seconds: startTime }, endTime: { seconds: endTime } },
    aggregation,
    view: "FULL",
  });
  return list as Series[];
}

/** The service's usage this week from Monitoring, summed (today's is all of it). */
async function usage(now: Date) {
  const end = Math.ceil(now.getTime() / 1000 / DAY) * DAY;
  const sum = async (metric: string) =>
    (
      await series(
        `metric.type="run.googleapis.com/${metric}"`,
        { alignmentPeriod: { seconds: DAY }, perSeriesAligner: "ALIGN_SUM", crossSeriesReducer: "REDUCE_SUM" },
        end - 8 * DAY,
        end,
      )
    )
      .flatMap((s) => s.points ?? [])
      .reduce((a, p) => a + num(p), 0);
  return {
    vcpuSeconds: await sum("container/cpu/allocation_time"),
    gibSeconds: await sum("container/memory/allocation_time"),
    requests: await sum("request_count"),
    instanceSeconds: await sum("container/billable_instance_time"),
  };
}

/** p99 utilization, mean latency and mean active instances, as Monitoring aggregates them. */
async function signals(now: Date) {
  const end = Math.ceil(now.getTime() / 1000 / 3600) * 3600;
  const week = {
    alignmentPeriod: { seconds: 7 * DAY },
    perSeriesAligner: "ALIGN_PERCENTILE_99" as const,
    crossSeriesReducer: "REDUCE_MAX" as const,
  };
  const p99 = async (m: string) =>
    num(
      (await series(`metric.type="run.googleapis.com/container/${m}/utilizations"`, week, end - 7 * DAY, end))[0]
        ?.points?.[0],
    );
  const [latency] = await series(
    'metric.type="run.googleapis.com/request_latencies"',
    { alignmentPeriod: { seconds: 7 * DAY }, perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM" },
    end - 7 * DAY,
    end,
  );
  const counts = await series(
    'metric.type="run.googleapis.com/container/instance_count" AND metric.labels.state="active"',
    { alignmentPeriod: { seconds: 3600 }, perSeriesAligner: "ALIGN_MEAN", crossSeriesReducer: "REDUCE_SUM" },
    end - DAY,
    end,
  );
  const hours = counts
    .flatMap((s) => s.points ?? [])
    .map(num)
    .filter((x) => x > 0);
  return {
    memoryP99: await p99("memory"),
    cpuP99: await p99("cpu"),
    meanLatencyS: Number(latency?.points?.[0]?.value?.distributionValue?.mean ?? 0) / 1000,
    activeInstances: hours.reduce((a, b) => a + b, 0) / hours.length,
  };
}

/** The Catalog's list price of a Cloud Run SKU, by its description. */
async function prices(): Promise<(description: string) => number> {
  const catalog = new CloudCatalogClient({
    apiEndpoint: emulator.endpoint.split(":")[0],
    port: Number(emulator.endpoint.split(":")[1]),
    sslCreds: grpc.credentials.createInsecure(),
    projectId: ref.project,
  });
  try {
    const [skus] = await catalog.listSkus({ parent: "services/152E-C115-5142", currencyCode: "USD" });
    return (description) => {
      const sku = skus.find((s) => (s.description ?? "").replace(/\s+/g, " ").trim() === description);
      const paid = sku?.pricingInfo?.[0]?.pricingExpression?.tieredRates?.find(
        (r) => Number(r.unitPrice?.units ?? 0) > 0 || (r.unitPrice?.nanos ?? 0) > 0,
      );
      if (!paid) throw new Error(`no list price for ${description}`);
      return Number(paid.unitPrice?.units ?? 0) + (paid.unitPrice?.nanos ?? 0) / 1e9;
    };
  } finally {
    await catalog.close();
  }
}

/** Monitoring's final figures for the service, the insight's suggestions from them, and the list prices: read once for the tests below. */
let once: Promise<Awaited<ReturnType<typeof readAll>>> | null = null;
const data = () => (once ??= readAll());

async function readAll() {
  // Wait until Monitoring's usage has stopped growing: the service's last minute has ended and been written.
  let now = new Date();
  let used = await usage(now);
  for (const deadline = Date.now() + 150_000; ;) {
    await new Promise((r) => setTimeout(r, 15_000));
    now = new Date();
    const again = await usage(now);
    if (JSON.stringify(again) === JSON.stringify(used) && again.requests > 0) break;
    used = again;
    if (Date.now() > deadline) throw new Error(`usage still growing: ${JSON.stringify(again)}`);
  }
  const measured = await signals(now);
  const { insight } = await loadCostInsight([view], [ref.project], new Map(), {
    now,
    target: { emulatorHost: emulator.endpoint },
  });
  const recs = insight!.services.find((s) => s.service === ref.service)!.recommendations;
  // Monthly list-price cost at this week's rate (the week is today's usage), instance-based: no request fee.
  const price = await prices();
  const month = 30 / 7;
  const inst = {
    cpu: price(`Services CPU (Instance-based billing) in ${ref.region}`),
    memory: price(`Services Memory (Instance-based billing) in ${ref.region}`),
  };
  const cost = { cpu: used.vcpuSeconds * inst.cpu * month, memory: used.gibSeconds * inst.memory * month };
  return { used, measured, recs, price, month, cost, rec: (kind: string) => recs.find((r) => r.kind === kind) };
}

it("measures what the suggestions need: several instances at once, low CPU and memory, a memory cost above a cent a month", async () => {
  const { measured, cost, recs } = await data();
  expect(measured.activeInstances).toBeGreaterThan(1);
  expect(measured.cpuP99).toBeLessThan(0.6);
  expect(measured.memoryP99).toBeLessThan(0.5);
  expect(cost.memory).toBeGreaterThan(0.01);
  // (Its two warm instances idle most of the time too: min instances has a suggestion of its own, tested elsewhere.)
  expect(recs.map((r) => r.kind)).toEqual(expect.arrayContaining(["concurrency", "cpu-allocation", "memory"]));
}, 240_000);

it("memory: the smallest size 25 % above the measured p99 (at least 2 GiB for 4 vCPU), saving that share of the memory cost", async () => {
  const { measured, cost, rec } = await data();
  const sizes: [string, number][] = [
    ["512Mi", 0.5],
    ["1Gi", 1],
    ["2Gi", 2],
    ["4Gi", 4],
    ["8Gi", 8],
  ];
  const [size, gib] = sizes.find(([, g]) => g >= Math.max(measured.memoryP99 * 16 * 1.25, 2))!;
  expect(rec("memory")).toMatchObject({ title: `Lower memory to ${size}`, settings: { memory: size } });
  expect(rec("memory")!.monthlySaving).toBeCloseTo(cost.memory * (1 - gib / 16), 9);
}, 240_000);

it("CPU allocation: the busy time (requests × mean latency, at most the instance time) at request-based prices plus the request fee, against what it pays now", async () => {
  const { used, measured, cost, price, month, rec } = await data();
  const req = {
    cpu: price("Services CPU (Request-based billing)"),
    memory: price("Services Memory (Request-based billing)"),
    request: price("Requests"),
  };
  const busy = Math.min(used.instanceSeconds * month, used.requests * month * measured.meanLatencyS);
  const requestBased = busy * (4 * req.cpu + 16 * req.memory) + used.requests * month * req.request;
  expect(rec("cpu-allocation")).toMatchObject({
    title: "Allocate CPU only during requests",
    settings: { billing: "request" },
  });
  expect(rec("cpu-allocation")!.monthlySaving).toBeCloseTo(cost.cpu + cost.memory - requestBased, 9);
}, 240_000);

it("concurrency: enough requests per instance to bring CPU near 60 %, saving the instance time beyond the first instance", async () => {
  const { measured, cost, rec } = await data();
  const target = Math.min(80, Math.max(2, Math.floor(0.6 / Math.max(measured.cpuP99, 0.05))));
  expect(rec("concurrency")).toMatchObject({
    title: `Raise concurrency to ${target}`,
    settings: { concurrency: target },
  });
  expect(rec("concurrency")!.monthlySaving).toBeCloseTo(
    (cost.cpu + cost.memory) * (1 - 1 / target) * (1 - 1 / measured.activeInstances),
    9,
  );
}, 240_000);
