// Custom metrics and monitored resource descriptors through the official
// @google-cloud/monitoring client: Create/Get/List/DeleteMetricDescriptor,
// CreateTimeSeries with Google's validation, the written points read back by
// ListTimeSeries (raw and aggregated), and List/GetMonitoredResourceDescriptors.
import monitoring from "@google-cloud/monitoring";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../../testing/harness";

const PROJECT = "mon-custom";
const NAME = `projects/${PROJECT}`;
let t: TestEmulator;
let mon: InstanceType<typeof monitoring.MetricServiceClient>;
const NO_PAGING = { ...CALL, autoPaginate: false } as const;
const NOW = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  mon = new monitoring.MetricServiceClient(clientOptions(t.emulator.grpcPort));
});
afterAll(async () => {
  await mon?.close();
  await t?.close();
});

const task = (taskId: string) => ({
  type: "generic_task",
  labels: { project_id: PROJECT, location: "us-central1", namespace: "runway", job: "worker", task_id: taskId },
});
const intPoint = (seconds: number, v: number) => ({ interval: { endTime: { seconds } }, value: { int64Value: v } });
const write = (timeSeries: Record<string, unknown>[]) => mon.createTimeSeries({ name: NAME, timeSeries }, CALL);
async function read(filter: string, aggregation: Record<string, unknown> = {}, from = NOW - 3600) {
  const [list] = await mon.listTimeSeries(
    { name: NAME, filter, interval: { startTime: { seconds: from }, endTime: { seconds: NOW + 60 } }, aggregation },
    NO_PAGING,
  );
  return list;
}

describe("custom metric descriptors", () => {
  const TYPE = "custom.googleapis.com/runway/queue_depth";

  it("creates, gets, lists with a filter and deletes a descriptor", async () => {
    // A project of its own: the other tests write custom series (and so descriptors) in PROJECT, in any order.
    const NAME = "projects/mon-descriptors";
    const [created] = await mon.createMetricDescriptor(
      {
        name: NAME,
        metricDescriptor: {
          type: TYPE,
          metricKind: "GAUGE",
          valueType: "INT64",
          unit: "1",
          description: "Jobs waiting",
          displayName: "Queue depth",
          labels: [{ key: "queue", valueType: "STRING", description: "Queue name" }],
        },
      },
      CALL,
    );
    expect(created).toMatchObject({
      name: `${NAME}/metricDescriptors/${TYPE}`,
      type: TYPE,
      metricKind: "GAUGE",
      valueType: "INT64",
      unit: "1",
      displayName: "Queue depth",
    });
    const [got] = await mon.getMetricDescriptor({ name: `${NAME}/metricDescriptors/${TYPE}` }, CALL);
    expect(got.labels).toEqual([
      expect.objectContaining({ key: "queue", valueType: "STRING", description: "Queue name" }),
    ]);

    const types = async (filter: string) =>
      (await mon.listMetricDescriptors({ name: NAME, filter }, NO_PAGING))[0].map((d) => d.type);
    expect(await types('metric.type = starts_with("custom.googleapis.com/")')).toEqual([TYPE]);
    const run = await types('metric.type = starts_with("run.googleapis.com/")');
    expect(run).toContain("run.googleapis.com/request_latencies");
    expect(run).not.toContain(TYPE);
    expect(await types(`metric.type = "${TYPE}" OR metric.type = "run.googleapis.com/request_count"`)).toEqual([
      "run.googleapis.com/request_count",
      TYPE,
    ]);
    expect(
      await types(
        'NOT metric.type = starts_with("run.googleapis.com/") AND NOT metric.type = starts_with("monitoring.googleapis.com/")',
      ),
    ).toEqual([TYPE]);

    await mon.deleteMetricDescriptor({ name: `${NAME}/metricDescriptors/${TYPE}` }, CALL);
    expect((await code(mon.getMetricDescriptor({ name: `${NAME}/metricDescriptors/${TYPE}` }, CALL))).code).toBe(5);
    expect((await code(mon.deleteMetricDescriptor({ name: `${NAME}/metricDescriptors/${TYPE}` }, CALL))).code).toBe(5);
  });

  it("refuses what Google refuses: built-in types, DELTA, bad label keys, deleting a built-in", async () => {
    const create = (metricDescriptor: Record<string, unknown>) =>
      code(mon.createMetricDescriptor({ name: NAME, metricDescriptor }, CALL));
    const builtIn = await create({ type: "run.googleapis.com/mine", metricKind: "GAUGE", valueType: "INT64" });
    expect(builtIn).toMatchObject({ code: 3 });
    expect(builtIn.details).toContain("custom metric types start with");
    expect((await create({ type: "custom.googleapis.com/d", metricKind: "DELTA", valueType: "INT64" })).code).toBe(3);
    expect(
      (await create({ type: "custom.googleapis.com/s", metricKind: "CUMULATIVE", valueType: "STRING" })).code,
    ).toBe(3);
    expect(
      (
        await create({
          type: "custom.googleapis.com/l",
          metricKind: "GAUGE",
          valueType: "INT64",
          labels: [{ key: "Bad-Key" }],
        })
      ).code,
    ).toBe(3);
    expect(
      (
        await code(
          mon.deleteMetricDescriptor({ name: `${NAME}/metricDescriptors/run.googleapis.com/request_count` }, CALL),
        )
      ).code,
    ).toBe(3);
  });
});

describe("CreateTimeSeries", () => {
  it("auto-creates a GAUGE descriptor and makes the points readable, raw and aligned", async () => {
    const TYPE = "custom.googleapis.com/runway/jobs_running";
    await write([
      { metric: { type: TYPE, labels: { queue: "default" } }, resource: task("0"), points: [intPoint(NOW - 120, 4)] },
      { metric: { type: TYPE, labels: { queue: "default" } }, resource: task("1"), points: [intPoint(NOW - 120, 10)] },
    ]);
    await write([
      { metric: { type: TYPE, labels: { queue: "default" } }, resource: task("0"), points: [intPoint(NOW - 60, 6)] },
    ]);
    const [d] = await mon.getMetricDescriptor({ name: `${NAME}/metricDescriptors/${TYPE}` }, CALL);
    expect(d).toMatchObject({ type: TYPE, metricKind: "GAUGE", valueType: "INT64" });
    expect(d.labels!.map((l) => l.key)).toEqual(["queue"]);

    const raw = await read(`metric.type = "${TYPE}" resource.labels.task_id = "0"`);
    expect(raw.length).toBe(1);
    expect(raw[0]).toMatchObject({
      metricKind: "GAUGE",
      valueType: "INT64",
      resource: task("0"),
      metric: { type: TYPE, labels: { queue: "default" } },
    });
    expect(raw[0].points!.map((p) => [Number(p.interval!.endTime!.seconds), Number(p.value!.int64Value)])).toEqual([
      [NOW - 60, 6],
      [NOW - 120, 4],
    ]);
    expect(raw[0].points![0].interval!.startTime).toEqual(raw[0].points![0].interval!.endTime);

    const HOUR = { seconds: 3600 };
    const [mean] = await read(`metric.type = "${TYPE}" resource.labels.task_id = "0"`, {
      perSeriesAligner: "ALIGN_MEAN",
      alignmentPeriod: HOUR,
    });
    expect(mean.points![0].value!.doubleValue).toBe(5);
    const [sum] = await read(
      `metric.type = "${TYPE}" (resource.labels.task_id = "0" OR resource.labels.task_id = "1")`,
      { perSeriesAligner: "ALIGN_MAX", alignmentPeriod: HOUR, crossSeriesReducer: "REDUCE_SUM" },
    );
    expect(sum.resource).toEqual({ type: "generic_task", labels: {} });
    expect(Number(sum.points![0].value!.int64Value)).toBe(16);
  });

  it("reads a CUMULATIVE metric's change with ALIGN_DELTA", async () => {
    const TYPE = "workload.googleapis.com/runway/handled_total";
    const start = { seconds: NOW - 600 };
    const point = (s: number, v: number) => ({
      interval: { startTime: start, endTime: { seconds: s } },
      value: { doubleValue: v },
    });
    for (const [s, v] of [
      [NOW - 300, 10],
      [NOW - 200, 25],
      [NOW - 100, 40],
    ] as const) {
      await write([
        {
          metric: { type: TYPE },
          resource: { type: "global", labels: { project_id: PROJECT } },
          metricKind: "CUMULATIVE",
          points: [point(s, v)],
        },
      ]);
    }
    const [delta] = await read(`metric.type = "${TYPE}"`, {
      perSeriesAligner: "ALIGN_DELTA",
      alignmentPeriod: { seconds: 3600 },
    });
    expect(delta.metricKind).toBe("DELTA");
    expect(delta.points![0].value!.doubleValue).toBe(40);
    const [recent] = await read(
      `metric.type = "${TYPE}"`,
      { perSeriesAligner: "ALIGN_DELTA", alignmentPeriod: { seconds: 60 * 4 } },
      NOW - 180,
    );
    expect(recent.points!.map((p) => p.value!.doubleValue)).toEqual([15]);
  });

  it("refuses points out of order, too frequent, old, duplicated or of the wrong type, and writes the valid rest", async () => {
    const TYPE = "custom.googleapis.com/runway/rules";
    const series = (p: object, resource: object = task("r")) => ({ metric: { type: TYPE }, resource, points: [p] });
    await write([series(intPoint(NOW - 30, 1))]);
    const err = async (ts: Record<string, unknown>[]) => {
      const e = await code(write(ts));
      expect(e.code).toBe(3);
      return e.details;
    };
    expect(await err([series(intPoint(NOW - 40, 2))])).toContain("Points must be written in order");
    expect(await err([series(intPoint(NOW - 27, 2))])).toContain("more frequently than the maximum sampling period");
    expect(await err([series(intPoint(NOW - 26 * 3600, 2), task("old"))])).toContain("25 hours");
    expect(await err([series(intPoint(NOW + 600, 2), task("ahead"))])).toContain("5 minutes in the future");
    expect(await err([series({ interval: { endTime: { seconds: NOW } }, value: { doubleValue: 1.5 } })])).toContain(
      "must be INT64, but is DOUBLE",
    );
    expect(
      await err([
        { metric: { type: TYPE }, resource: task("two"), points: [intPoint(NOW - 20, 1), intPoint(NOW - 10, 2)] },
      ]),
    ).toContain("exactly one point");
    expect(
      await err([
        series(intPoint(NOW, 1), {
          type: "cloud_run_revision",
          labels: { service_name: "s", revision_name: "r", location: "l", configuration_name: "s" },
        }),
      ]),
    ).toContain("does not accept custom metrics");
    expect(await err([series(intPoint(NOW, 1), { type: "generic_task", labels: { location: "x" } })])).toContain(
      '"namespace" is required',
    );

    // One bad series does not stop the good one; the error names the bad index.
    const mixed = await err([series(intPoint(NOW, 7), task("good")), series(intPoint(NOW, 8), task("good"))]);
    expect(mixed).toContain("timeSeries[1]: Duplicate TimeSeries encountered");
    const [good] = await read(`metric.type = "${TYPE}" resource.labels.task_id = "good"`);
    expect(good.points!.map((p) => Number(p.value!.int64Value))).toEqual([7]);
  });
});

describe("monitored resource descriptors", () => {
  it("lists with a filter and gets one by type", async () => {
    const [all] = await mon.listMonitoredResourceDescriptors({ name: NAME }, NO_PAGING);
    expect(all.map((r) => r.type)).toEqual(
      expect.arrayContaining(["cloud_run_revision", "cloud_run_job", "global", "generic_task", "cloudsql_database"]),
    );
    const [run] = await mon.listMonitoredResourceDescriptors(
      { name: NAME, filter: 'resource.type = starts_with("cloud_run")' },
      NO_PAGING,
    );
    expect(run.map((r) => r.type)).toEqual(["cloud_run_job", "cloud_run_revision"]);
    const [sql] = await mon.getMonitoredResourceDescriptor(
      { name: `${NAME}/monitoredResourceDescriptors/cloudsql_database` },
      CALL,
    );
    expect(sql).toMatchObject({
      name: `${NAME}/monitoredResourceDescriptors/cloudsql_database`,
      type: "cloudsql_database",
      displayName: "Cloud SQL Database",
    });
    expect(sql.labels!.map((l) => l.key)).toEqual(["project_id", "database_id", "region"]);
    expect(
      (await code(mon.getMonitoredResourceDescriptor({ name: `${NAME}/monitoredResourceDescriptors/nope` }, CALL)))
        .code,
    ).toBe(5);
  });
});
