// ListTimeSeries parity with Google through the official @google-cloud/monitoring
// client, on traffic this test makes: REDUCE_MEAN over latency distributions
// (count-weighted), ALIGN_COUNT refused on a distribution, OR / NOT /
// parentheses in filters. Revision 1 answers 20 requests after ~20 ms,
// revision 2 answers 10 after ~1 s, so a plain mean of the two means would
// differ from the weighted one by far more than the tolerance, even when a busy
// machine slows revision 1's answers (at 200 ms it did not, under load).
import monitoring from "@google-cloud/monitoring";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import {
  CALL,
  clientOptions,
  code,
  hostOf,
  request,
  startTestEmulator,
  template,
  waitFor,
  type TestEmulator,
} from "../../testing/harness";

const PROJECT = "mon-parity";
const parent = `projects/${PROJECT}/locations/us-central1`;
const LATENCIES = `metric.type = "run.googleapis.com/request_latencies"`;
let t: TestEmulator;
let mon: InstanceType<typeof monitoring.MetricServiceClient>;
let rev1 = "";
let rev2 = "";
const NO_PAGING = { ...CALL, autoPaginate: false } as const;

async function burst(host: string, n: number) {
  const rs = await Promise.all(Array.from({ length: n }, () => request(t.emulator.routerPort, host, "/")));
  for (const r of rs) expect(r.status).toBe(200);
}

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  mon = new monitoring.MetricServiceClient(clientOptions(t.emulator.grpcPort));
  const [op] = await t.services.createService(
    { parent, serviceId: "lat", service: { template: template("gcr.io/t/hello:v1", { LATENCY_MS: "20" }) } },
    CALL,
  );
  await op.promise();
  let [svc] = await t.services.getService({ name: `${parent}/services/lat` }, CALL);
  const host = hostOf(svc.uri!);
  rev1 = svc.latestReadyRevision!.split("/").pop()!;
  await burst(host, 20);
  const [op2] = await t.services.updateService(
    { service: { name: svc.name, template: template("gcr.io/t/hello:v1", { LATENCY_MS: "1000" }) } },
    CALL,
  );
  await op2.promise();
  [svc] = await t.services.getService({ name: svc.name }, CALL);
  rev2 = svc.latestReadyRevision!.split("/").pop()!;
  await burst(host, 10);
}, 60_000);

afterAll(async () => {
  await mon?.close();
  await t?.close();
});

/** One period covering all the traffic. */
function window() {
  const end = Math.floor(Date.now() / 1000) + 60;
  return { startTime: { seconds: end - 3600 }, endTime: { seconds: end } };
}
const HOUR = { seconds: 3600 };

async function series(filter: string, aggregation: Record<string, unknown>) {
  const [list] = await mon.listTimeSeries(
    { name: `projects/${PROJECT}`, filter, interval: window(), aggregation },
    NO_PAGING,
  );
  return list;
}

describe("ListTimeSeries aggregation on distributions", () => {
  it("REDUCE_MEAN of latency distributions is the count-weighted mean of their means (DOUBLE)", async () => {
    const perRevision = await waitFor(async () => {
      const list = await series(LATENCIES, { perSeriesAligner: "ALIGN_DELTA", alignmentPeriod: HOUR });
      const counts = list.map((s) => Number(s.points![0].value!.distributionValue!.count));
      return list.length === 2 && counts.reduce((a, b) => a + b, 0) === 30 ? list : undefined;
    }, "30 requests in two revisions' latency distributions");
    const d = (rev: string) =>
      perRevision.find((s) => s.resource!.labels!.revision_name === rev)!.points![0].value!.distributionValue!;
    const [a, b] = [d(rev1), d(rev2)];
    expect([Number(a.count), Number(b.count)]).toEqual([20, 10]);
    const weighted = (a.mean! * 20 + b.mean! * 10) / 30;
    const plain = (a.mean! + b.mean!) / 2;

    const [mean] = await series(LATENCIES, {
      perSeriesAligner: "ALIGN_DELTA",
      alignmentPeriod: HOUR,
      crossSeriesReducer: "REDUCE_MEAN",
    });
    expect(mean.valueType).toBe("DOUBLE");
    expect(mean.metricKind).toBe("GAUGE");
    expect(mean.points!.length).toBe(1);
    expect(mean.points![0].value!.doubleValue).toBeCloseTo(weighted, 6);
    expect(Math.abs(mean.points![0].value!.doubleValue! - plain)).toBeGreaterThan(10);

    const [grouped] = await series(`${LATENCIES} resource.labels.revision_name = "${rev2}"`, {
      perSeriesAligner: "ALIGN_DELTA",
      alignmentPeriod: HOUR,
      crossSeriesReducer: "REDUCE_MEAN",
      groupByFields: ["resource.labels.revision_name"],
    });
    expect(grouped.resource!.labels).toEqual({ revision_name: rev2 });
    expect(grouped.points![0].value!.doubleValue).toBeCloseTo(b.mean!, 6);
  });

  it("refuses ALIGN_COUNT (and ALIGN_RATE, REDUCE_MIN) on a distribution with INVALID_ARGUMENT", async () => {
    const count = await code(series(LATENCIES, { perSeriesAligner: "ALIGN_COUNT", alignmentPeriod: HOUR }));
    expect(count.code).toBe(3);
    expect(count.details).toContain(
      'aggregation.perSeriesAligner had an invalid value of "ALIGN_COUNT": The aligner cannot be applied to metrics with kind DELTA and value type DISTRIBUTION.',
    );
    expect((await code(series(LATENCIES, { perSeriesAligner: "ALIGN_RATE", alignmentPeriod: HOUR }))).code).toBe(3);
    const min = await code(
      series(LATENCIES, { perSeriesAligner: "ALIGN_DELTA", alignmentPeriod: HOUR, crossSeriesReducer: "REDUCE_MIN" }),
    );
    expect(min.code).toBe(3);
    expect(min.details).toContain(
      "The reducer cannot be applied to metrics with kind DELTA and value type DISTRIBUTION.",
    );
    // ALIGN_COUNT on a numeric metric still counts points (INT64).
    const [counted] = await series(
      `metric.type = "run.googleapis.com/request_count" resource.labels.revision_name = "${rev1}"`,
      { perSeriesAligner: "ALIGN_COUNT", alignmentPeriod: HOUR },
    );
    expect(counted.valueType).toBe("INT64");
    expect(Number(counted.points![0].value!.int64Value)).toBeGreaterThanOrEqual(1);
  });
});

describe("ListTimeSeries filters with OR, NOT and parentheses", () => {
  const revisionsOf = async (filter: string) =>
    (await series(filter, { perSeriesAligner: "ALIGN_DELTA", alignmentPeriod: HOUR }))
      .map((s) => s.resource!.labels!.revision_name)
      .sort();

  it("ORs inside parentheses, ANDed with the metric type", async () => {
    expect(
      await revisionsOf(
        `${LATENCIES} AND (resource.labels.revision_name = "${rev1}" OR resource.labels.revision_name = "${rev2}")`,
      ),
    ).toEqual([rev1, rev2].sort());
    expect(
      await revisionsOf(
        `${LATENCIES} (resource.labels.revision_name = "${rev1}" OR resource.labels.revision_name = "nope")`,
      ),
    ).toEqual([rev1]);
    expect(
      await revisionsOf(
        `(${LATENCIES} AND resource.labels.service_name = "lat") AND resource.labels.revision_name != "${rev1}"`,
      ),
    ).toEqual([rev2]);
  });

  it("binds AND tighter than OR, and negates with NOT", async () => {
    // a AND b OR c ≡ (a AND b) OR c: the second group matches rev2 alone.
    const f = `resource.labels.revision_name = "${rev1}" AND resource.labels.service_name = "other" OR resource.labels.revision_name = "${rev2}"`;
    expect(await revisionsOf(`${LATENCIES} AND (${f})`)).toEqual([rev2]);
    expect(await revisionsOf(`${LATENCIES} AND NOT resource.labels.revision_name = "${rev1}"`)).toEqual([rev2]);
    expect(
      await revisionsOf(
        `${LATENCIES} AND NOT (resource.labels.revision_name = "${rev1}" OR resource.labels.revision_name = "${rev2}")`,
      ),
    ).toEqual([]);
    expect(
      await revisionsOf(`${LATENCIES} resource.labels.revision_name = monitoring.regex.full_match("lat-0000[12]-.*")`),
    ).toEqual([rev1, rev2].sort());
  });

  it("still needs exactly one metric type ANDed with the rest", async () => {
    const both = await code(series(`${LATENCIES} OR metric.type = "run.googleapis.com/request_count"`, {}));
    expect(both.code).toBe(3);
    expect(both.details).toContain("exactly one metric.type");
    const unbalanced = await code(series(`${LATENCIES} AND (resource.labels.revision_name = "x"`, {}));
    expect(unbalanced.code).toBe(3);
    expect(unbalanced.details).toContain("')' expected");
  });
});
