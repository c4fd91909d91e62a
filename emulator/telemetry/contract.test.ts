// Logging v2 and Monitoring v3 through the official clients, on known
// traffic: revision 1 answers 120 × 200 and 30 × 404 after 20 ms, revision 2
// answers 50 × 500 after 200 ms (ERROR_RATE=1). 200 requests in all.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import logging from "@google-cloud/logging";
import monitoring from "@google-cloud/monitoring";
import { createEmptyDatabase } from "../../test/databases";
import {
  CALL,
  clientOptions,
  hostOf,
  request,
  startTestEmulator,
  template,
  waitFor,
  type TestEmulator,
} from "../testing/harness";

const PROJECT = "telemetry";
const parent = `projects/${PROJECT}/locations/us-central1`;
let t: TestEmulator;
let log: InstanceType<typeof logging.v2.LoggingServiceV2Client>;
let mon: InstanceType<typeof monitoring.MetricServiceClient>;
let host = "";
let rev1 = "";
let rev2 = "";
const NO_PAGING = { ...CALL, autoPaginate: false } as const;
const RES = [`projects/${PROJECT}`];
type Entry = Record<string, any>;

async function burst(n: number, path: string, want: number) {
  for (let i = 0; i < n; i += 10) {
    const rs = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, () => request(t.emulator.routerPort, host, path)),
    );
    for (const r of rs) expect(r.status).toBe(want);
  }
}

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  log = new logging.v2.LoggingServiceV2Client(clientOptions(t.emulator.grpcPort));
  mon = new monitoring.MetricServiceClient(clientOptions(t.emulator.grpcPort));
  const [op] = await t.services.createService(
    { parent, serviceId: "shop", service: { template: template("gcr.io/t/hello:v1", { LATENCY_MS: "20" }) } },
    CALL,
  );
  await op.promise();
  let [svc] = await t.services.getService({ name: `${parent}/services/shop` }, CALL);
  host = hostOf(svc.uri!);
  rev1 = svc.latestReadyRevision!.split("/").pop()!;
  await burst(120, "/", 200);
  await burst(30, "/missing", 404);
  const [op2] = await t.services.updateService(
    { service: { name: svc.name, template: template("gcr.io/t/hello:v1", { LATENCY_MS: "200", ERROR_RATE: "1" }) } },
    CALL,
  );
  await op2.promise();
  [svc] = await t.services.getService({ name: svc.name }, CALL);
  rev2 = svc.latestReadyRevision!.split("/").pop()!;
  expect(rev2).not.toBe(rev1);
  await burst(50, "/", 500);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([log?.close(), mon?.close()]);
  await t?.close();
});

const requestsFilter =
  'resource.type="cloud_run_revision" resource.labels.service_name="shop" logName:"run.googleapis.com%2Frequests"';

describe("Logging v2", () => {
  it("lists request entries as Cloud Run writes them, pages with tokens ending '', both orders", async () => {
    const all = await waitFor(
      async () => {
        const [entries] = await log.listLogEntries(
          { resourceNames: RES, filter: requestsFilter, pageSize: 1000 },
          NO_PAGING,
        );
        return entries.length === 200 && entries;
      },
      "200 request entries",
      10_000,
      200,
    );
    const e = all.find((x: Entry) => x.httpRequest?.status === 500)!;
    expect(e.logName).toBe(`projects/${PROJECT}/logs/run.googleapis.com%2Frequests`);
    expect(e.resource).toEqual({
      type: "cloud_run_revision",
      labels: {
        project_id: PROJECT,
        service_name: "shop",
        revision_name: rev2,
        location: "us-central1",
        configuration_name: "shop",
      },
    });
    expect(e.severity).toBe("ERROR");
    expect(e.trace).toMatch(new RegExp(`^projects/${PROJECT}/traces/[0-9a-f]{32}$`));
    expect(e.spanId).not.toBe("");
    expect(e.labels?.instanceId).toBeTruthy();
    expect(e.httpRequest).toMatchObject({ requestMethod: "GET", requestUrl: `http://${host}/`, protocol: "HTTP/1.1" });
    expect(
      Number(e.httpRequest!.latency!.nanos) / 1e6 + Number(e.httpRequest!.latency!.seconds) * 1000,
    ).toBeGreaterThanOrEqual(200);
    expect(all.find((x: Entry) => x.httpRequest?.status === 404)!.severity).toBe("WARNING");
    expect(all.find((x: Entry) => x.httpRequest?.status === 200)!.severity).toBe("INFO");
    const times = all.map((x: Entry) => Number(x.timestamp!.seconds) * 1e9 + Number(x.timestamp!.nanos));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // Paging: 50 errors in pages of 20, newest first.
    const seen: string[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const [entries, , resp] = await log.listLogEntries(
        {
          resourceNames: RES,
          filter: `${requestsFilter} httpRequest.status >= 500`,
          orderBy: "timestamp desc",
          pageSize: 20,
          pageToken,
        },
        NO_PAGING,
      );
      seen.push(...entries.map((x: Entry) => x.insertId!));
      pageToken = resp?.nextPageToken ?? "";
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(50);
    const [desc] = await log.listLogEntries(
      {
        resourceNames: RES,
        filter: `${requestsFilter} httpRequest.status >= 500`,
        orderBy: "timestamp desc",
        pageSize: 1000,
      },
      NO_PAGING,
    );
    expect(desc.map((x: Entry) => x.insertId)).toEqual(seen);

    const [sev] = await log.listLogEntries(
      {
        resourceNames: RES,
        filter: `${requestsFilter} severity = (WARNING OR ERROR) -resource.labels.revision_name="${rev2}"`,
        pageSize: 1000,
      },
      NO_PAGING,
    );
    expect(sev.length).toBe(30);
  });

  it("lifts JSON container lines into jsonPayload and writes system entries", async () => {
    // What a container prints reaches Logging after its response: wait for the 50th line.
    const errs = await waitFor(
      async () => {
        const [entries] = await log.listLogEntries(
          { resourceNames: RES, filter: 'logName:"run.googleapis.com%2Fstderr" "simulated failure"', pageSize: 1000 },
          NO_PAGING,
        );
        return entries.length >= 50 && entries;
      },
      "50 stderr lines",
      10_000,
      200,
    );
    expect(errs.length).toBe(50);
    expect(errs[0].severity).toBe("ERROR");
    expect(errs[0].payload).toBe("jsonPayload");
    expect(errs[0].jsonPayload!.fields!.message.stringValue).toMatch(/simulated failure for GET \//);
    expect(errs[0].jsonPayload!.fields!.severity).toBeUndefined();
    const [sys] = await log.listLogEntries(
      {
        resourceNames: RES,
        filter: `logName="projects/${PROJECT}/logs/run.googleapis.com%2Fvarlog%2Fsystem" resource.labels.revision_name="${rev1}"`,
        pageSize: 100,
      },
      NO_PAGING,
    );
    expect(sys.length).toBeGreaterThanOrEqual(2);
    expect(sys.every((x: Entry) => x.textPayload && x.labels?.instanceId)).toBe(true);
  });

  it("writes entries and reads them back; rejects bad filters and page sizes with INVALID_ARGUMENT", async () => {
    await log.writeLogEntries(
      {
        logName: `projects/${PROJECT}/logs/app`,
        resource: { type: "global", labels: {} },
        entries: [
          {
            severity: "NOTICE",
            jsonPayload: { fields: { msg: { stringValue: "written by hand" }, n: { numberValue: 7 } } },
          },
        ],
      },
      CALL,
    );
    const [back] = await log.listLogEntries(
      { resourceNames: RES, filter: "jsonPayload.n = 7 severity=NOTICE", pageSize: 10 },
      NO_PAGING,
    );
    expect(back.length).toBe(1);
    expect(back[0].jsonPayload!.fields!.msg.stringValue).toBe("written by hand");
    expect(back[0].insertId).not.toBe("");

    const code = (p: Promise<unknown>) =>
      p.then(
        () => ({ code: 0, details: "" }),
        (e: { code: number; details: string }) => e,
      );
    const bad = await code(log.listLogEntries({ resourceNames: RES, filter: "severity >= LOUD" }, NO_PAGING));
    expect(bad.code).toBe(3);
    expect(bad.details).toMatch(/unknown severity 'LOUD' at position 1/);
    expect((await code(log.listLogEntries({ resourceNames: RES, pageSize: 1001 }, NO_PAGING))).code).toBe(3);
    expect((await code(log.listLogEntries({ resourceNames: RES, pageSize: -1 }, NO_PAGING))).code).toBe(3);
    expect((await code(log.listLogEntries({ resourceNames: ["folders/1"] }, NO_PAGING))).code).toBe(3);
  });

  it("opens a tail with one empty response, then streams a new request", async () => {
    // Its own service: shop's request counts stay exactly the bursts, whatever ran first.
    const [op] = await t.services.createService(
      { parent, serviceId: "tailed", service: { template: template("gcr.io/t/hello:v1") } },
      CALL,
    );
    const [tailed] = await op.promise();
    const stream = log.tailLogEntries();
    const messages: { entries: Record<string, any>[] }[] = [];
    let received!: () => void;
    let failed!: (err: Error) => void;
    const next = () => new Promise<void>((resolve, reject) => ((received = resolve), (failed = reject)));
    let arrived = next();
    stream.on("data", (m: { entries: Record<string, any>[] }) => {
      messages.push(m);
      received();
    });
    stream.on("error", (err: Error) => failed(err));
    try {
      stream.write({ resourceNames: RES, filter: requestsFilter.replace('"shop"', '"tailed"') });
      await arrived;
      // The session is subscribed: nothing has happened yet, and what happens from now on will come.
      expect(messages).toEqual([{ entries: [], suppressionInfo: [] }]);
      await request(t.emulator.routerPort, hostOf(tailed.uri!), "/missing?tail=1");
      let e: Record<string, any> | undefined;
      while (
        !(e = messages.flatMap((m) => m.entries).find((x) => x.httpRequest?.requestUrl?.endsWith("/missing?tail=1")))
      ) {
        arrived = next();
        await arrived;
      }
      expect(e.httpRequest.status).toBe(404);
    } finally {
      stream.on("error", () => {});
      stream.cancel();
    }
  });

  it("ends a tail with INVALID_ARGUMENT on a bad filter", async () => {
    const stream = log.tailLogEntries();
    const err = new Promise<{ code: number; details: string }>((resolve) => stream.on("error", resolve));
    stream.write({ resourceNames: RES, filter: "severity >= LOUD" });
    const e = await err;
    expect(e.code).toBe(3);
    expect(e.details).toMatch(/unknown severity/);
  });
});

describe("Monitoring v3", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const interval = () => ({ startTime: { seconds: now() - 3600 }, endTime: { seconds: now() + 60 } });
  const hour = { alignmentPeriod: { seconds: 3660 } };
  const svc = 'resource.labels.service_name = "shop"';

  it("returns raw request_count points in Google's shapes, newest first", async () => {
    const [series] = await mon.listTimeSeries(
      {
        name: `projects/${PROJECT}`,
        filter: `metric.type = "run.googleapis.com/request_count" AND ${svc}`,
        interval: interval(),
      },
      CALL,
    );
    const total = series.flatMap((s) => s.points!).reduce((a, p) => a + Number(p.value!.int64Value), 0);
    expect(total).toBeGreaterThanOrEqual(200);
    const s500 = series.find((s) => s.metric!.labels!.response_code === "500")!;
    expect(s500.metric!.labels).toEqual({ response_code: "500", response_code_class: "5xx", route_type: "default" });
    expect(s500.resource!.labels!.revision_name).toBe(rev2);
    expect(s500).toMatchObject({ metricKind: "DELTA", valueType: "INT64" });
    expect((s500.points![0].value as { value?: string }).value).toBe("int64Value");
    const ends = s500.points!.map((p) => Number(p.interval!.endTime!.seconds));
    expect(ends).toEqual([...ends].sort((a, b) => b - a));
    expect(
      Number(s500.points![0].interval!.endTime!.seconds) - Number(s500.points![0].interval!.startTime!.seconds),
    ).toBe(60);
  });

  it("counts by response_code_class, rates by revision, error share", async () => {
    const [byClass] = await mon.listTimeSeries(
      {
        name: `projects/${PROJECT}`,
        filter: `metric.type = "run.googleapis.com/request_count" ${svc}`,
        interval: interval(),
        aggregation: {
          ...hour,
          perSeriesAligner: "ALIGN_DELTA",
          crossSeriesReducer: "REDUCE_SUM",
          groupByFields: ["metric.labels.response_code_class"],
        },
      },
      CALL,
    );
    const count = Object.fromEntries(
      byClass.map((s) => [s.metric!.labels!.response_code_class, Number(s.points![0].value!.int64Value)]),
    );
    // The tail test adds one 500 when it runs first; allow for it.
    expect(count["2xx"]).toBe(120);
    expect(count["4xx"]).toBe(30);
    expect([50, 51]).toContain(count["5xx"]);
    expect(byClass[0].resource!.labels).toEqual({});
    const [rates] = await mon.listTimeSeries(
      {
        name: `projects/${PROJECT}`,
        filter: `metric.type = "run.googleapis.com/request_count" ${svc}`,
        interval: interval(),
        aggregation: {
          ...hour,
          perSeriesAligner: "ALIGN_RATE",
          crossSeriesReducer: "REDUCE_SUM",
          groupByFields: ["resource.labels.revision_name"],
        },
      },
      CALL,
    );
    const rate = Object.fromEntries(
      rates.map((s) => [s.resource!.labels!.revision_name, s.points![0].value!.doubleValue!]),
    );
    expect(rates[0].valueType).toBe("DOUBLE");
    expect(rate[rev1]).toBeCloseTo(150 / 3660, 6);
    expect([50 / 3660, 51 / 3660].some((r) => Math.abs(rate[rev2] - r) < 1e-6)).toBe(true);
  });

  it("computes latency percentiles from the distribution buckets", async () => {
    const q = (aggregation: object, filter = "") =>
      mon
        .listTimeSeries(
          {
            name: `projects/${PROJECT}`,
            filter: `metric.type = "run.googleapis.com/request_latencies" ${svc} ${filter}`,
            interval: interval(),
            aggregation,
          },
          CALL,
        )
        .then(([s]) => s);
    const pct = async (r: string) =>
      (await q({ ...hour, perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: r }))[0].points![0].value!.doubleValue!;
    // 150 requests at ~20 ms, 50 at ~200 ms: p50 among the fast, p95 and p99 among the slow. How
    // much a busy machine adds is unknown, so the exact percentiles come from the latencies the
    // request log recorded; Monitoring's, read from exponential buckets (growth 1.25), lie in the
    // bucket of the exact value, so within a factor 1.25 of it.
    const logged = await waitFor(
      async () => {
        const [entries] = await log.listLogEntries(
          { resourceNames: RES, filter: requestsFilter, pageSize: 1000 },
          NO_PAGING,
        );
        return entries.length === 200 && entries;
      },
      "200 request entries",
      10_000,
      200,
    );
    const ms = (e: Entry) =>
      Number(e.httpRequest.latency.seconds ?? 0) * 1000 + Number(e.httpRequest.latency.nanos ?? 0) / 1e6;
    const exact = (entries: Entry[], p: number) => {
      const sorted = entries.map(ms).sort((a, b) => a - b);
      return sorted[Math.ceil((p / 100) * sorted.length) - 1];
    };
    const near = (value: number, want: number) => {
      expect(value).toBeGreaterThanOrEqual(want / 1.25);
      expect(value).toBeLessThanOrEqual(want * 1.25);
    };
    near(await pct("REDUCE_PERCENTILE_50"), exact(logged, 50));
    expect(exact(logged, 50)).toBeGreaterThanOrEqual(19.5);
    for (const [r, p] of [
      ["REDUCE_PERCENTILE_95", 95],
      ["REDUCE_PERCENTILE_99", 99],
    ] as const) {
      near(await pct(r), exact(logged, p));
      expect(exact(logged, p)).toBeGreaterThanOrEqual(200);
    }
    const perRev = await q({
      ...hour,
      perSeriesAligner: "ALIGN_PERCENTILE_99",
      crossSeriesReducer: "REDUCE_MAX",
      groupByFields: ["resource.labels.revision_name"],
    });
    const p99 = Object.fromEntries(
      perRev.map((s) => [s.resource!.labels!.revision_name, s.points![0].value!.doubleValue!]),
    );
    for (const rev of [rev1, rev2])
      near(
        p99[rev],
        exact(
          logged.filter((e: Entry) => e.resource.labels.revision_name === rev),
          99,
        ),
      );
    expect(p99[rev2]).toBeGreaterThanOrEqual(195);

    const [merged] = await q(
      { ...hour, perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM" },
      `metric.labels.response_code = one_of("200", "404")`,
    );
    const d = merged.points![0].value!.distributionValue!;
    expect(d.count).toBe("150");
    expect(d.bucketOptions!.exponentialBuckets).toEqual({ numFiniteBuckets: 50, growthFactor: 1.25, scale: 1 });
    expect(d.bucketCounts!.reduce<number>((a, b) => a + Number(b), 0)).toBe(150);
    // Node timers may fire a fraction of a millisecond early: ~20 ms, not exactly.
    expect(d.mean!).toBeGreaterThanOrEqual(19.5);
    expect(d.range!.min!).toBeGreaterThanOrEqual(19.5);
  });

  it("reports instances, billable and allocation time from the revision's limits, and startup latencies", async () => {
    const one = async (type: string, aggregation: object) =>
      (
        await mon.listTimeSeries(
          {
            name: `projects/${PROJECT}`,
            filter: `metric.type = "run.googleapis.com/${type}" ${svc}`,
            interval: interval(),
            aggregation,
          },
          CALL,
        )
      )[0];
    const states = await one("container/instance_count", {
      ...hour,
      perSeriesAligner: "ALIGN_MAX",
      crossSeriesReducer: "REDUCE_SUM",
      groupByFields: ["metric.labels.state"],
    });
    const active = states.find((s) => s.metric!.labels!.state === "active")!;
    expect(Number(active.points![0].value!.int64Value)).toBeGreaterThanOrEqual(2); // one instance per revision at least
    expect(active.metricKind).toBe("GAUGE");
    const total = async (type: string) =>
      (await one(type, { ...hour, perSeriesAligner: "ALIGN_SUM", crossSeriesReducer: "REDUCE_SUM" }))[0].points![0]
        .value!.doubleValue!;
    const billable = await total("container/billable_instance_time");
    expect(billable).toBeGreaterThan(0);
    // Defaults: 1 vCPU and 512 MiB. Each query folds in the seconds since the last one, hence ratios.
    const cpu = await total("container/cpu/allocation_time");
    const mem = await total("container/memory/allocation_time");
    expect(cpu / billable).toBeCloseTo(1, 1);
    expect(mem / cpu).toBeCloseTo(0.5, 1);
    const startups = await one("container/startup_latencies", {
      ...hour,
      perSeriesAligner: "ALIGN_DELTA",
      crossSeriesReducer: "REDUCE_SUM",
    });
    expect(Number(startups[0].points![0].value!.distributionValue!.count)).toBeGreaterThanOrEqual(2);
    const [descriptor] = await mon.getMetricDescriptor(
      { name: `projects/${PROJECT}/metricDescriptors/run.googleapis.com/request_latencies` },
      CALL,
    );
    expect(descriptor).toMatchObject({ metricKind: "DELTA", valueType: "DISTRIBUTION", unit: "ms" });
  });

  it("answers HEADERS without points and rejects what it does not support", async () => {
    const [headers] = await mon.listTimeSeries(
      {
        name: `projects/${PROJECT}`,
        filter: `metric.type = "run.googleapis.com/request_count" ${svc}`,
        interval: interval(),
        view: "HEADERS",
      },
      CALL,
    );
    expect(headers.map((s) => s.metric!.labels!.response_code).sort()).toEqual(["200", "404", "500"]);
    expect(headers.every((s) => !s.points?.length)).toBe(true);
    const code = (req: object) =>
      mon.listTimeSeries({ name: `projects/${PROJECT}`, interval: interval(), ...req }, CALL).then(
        () => 0,
        (e: { code: number }) => e.code,
      );
    expect(await code({ filter: svc })).toBe(3);
    expect(await code({ filter: 'metric.type = "a" metric.type = "b"' })).toBe(3);
    expect(await code({ filter: `metric.type = "run.googleapis.com/request_count" OR ${svc}` })).toBe(3);
    expect(
      await code({
        filter: 'metric.type = "run.googleapis.com/request_count"',
        aggregation: { alignmentPeriod: { seconds: 30 }, perSeriesAligner: "ALIGN_RATE" },
      }),
    ).toBe(3);
    expect(
      await code({
        filter: 'metric.type = "run.googleapis.com/request_latencies"',
        aggregation: { ...hour, perSeriesAligner: "ALIGN_RATE" },
      }),
    ).toBe(3);
    expect(
      await code({
        filter: 'metric.type = "run.googleapis.com/request_count"',
        aggregation: { ...hour, crossSeriesReducer: "REDUCE_SUM" },
      }),
    ).toBe(3);
    expect(
      await code({
        filter: 'metric.type = "run.googleapis.com/container/instance_count"',
        aggregation: { ...hour, perSeriesAligner: "ALIGN_DELTA" },
      }),
    ).toBe(3);
  });
});
