// The read path ListTimeSeries and the alert evaluator share: a metric's
// descriptor (built-in Cloud Run, uptime check or custom) and its series in a
// window, filtered, aligned and reduced.
import type { Db } from "../../db";
import { invalid } from "../../grpc/errors";
import type { TelemetryStore } from "../../telemetry/store";
import { align, reduce, type Series } from "./aggregate";
import { loadAligned, sqlAlignmentFits } from "./aligned";
import { UPTIME_METRICS, uptimeDescriptor } from "./alerting/uptime-metrics";
import { loadCustomSeries } from "./custom-series";
import { builtinDescriptor, isCustomType, readDescriptor, type Descriptor } from "./descriptors";
import { evaluate, seriesFields, type MetricFilter } from "./filter";
import { hourRollupFits, loadSeries, METRICS } from "./metrics";

/** A built-in or custom metric's descriptor, or undefined when the project has none. */
export async function findDescriptorIn(db: Db, project: string, type: string): Promise<Descriptor | undefined> {
  if (METRICS[type]) return builtinDescriptor(project, type);
  if (UPTIME_METRICS[type]) return uptimeDescriptor(project, type);
  const custom = isCustomType(type) ? await readDescriptor(db, project, type) : undefined;
  if (!custom) return undefined;
  const { auto, ...descriptor } = custom;
  void auto;
  return descriptor;
}

export type SeriesAggregation = { aligner?: string; reducer?: string; periodMs: number; groupByFields: string[] };

/**
 * The series ListTimeSeries answers before paging: the metric's points in
 * (startMs, endMs] (whole aligned periods), filtered, aligned and reduced;
 * series without points are left out. The alert evaluator reads through it too.
 */
export async function querySeries(
  db: Db,
  store: TelemetryStore,
  project: string,
  filter: MetricFilter,
  startMs: number,
  endMs: number,
  agg: SeriesAggregation,
): Promise<{ def?: Descriptor; series: Series[] }> {
  const { aligner, reducer, periodMs } = agg;
  await store.flush(true);
  const def = await findDescriptorIn(db, project, filter.metricType);
  if (!def) return { series: [] };
  // An aligned period may start before start_time; read its minutes too.
  const from = startMs - (aligner ? periodMs : 0);
  let series = !METRICS[def.type]
    ? await loadCustomSeries(db, project, def, from, endMs)
    : sqlAlignmentFits(def.type, aligner, periodMs, endMs)
      ? await loadAligned(db, project, def.type, aligner!, periodMs, startMs, endMs)
      : await loadSeries(db, project, def.type, from, endMs, hourRollupFits(def.type, aligner, periodMs, endMs));
  series = series.filter((s) =>
    evaluate(filter.expr, seriesFields(def.type, s.resourceType ?? "cloud_run_revision", s.metric, s.resource)),
  );
  if (aligner && !METRICS[def.type] && def.valueType === "DISTRIBUTION")
    throw invalid("aggregation: the emulator returns custom DISTRIBUTION metrics only unaligned (ALIGN_NONE)");
  if (aligner) series = align(series, aligner, periodMs, startMs, endMs);
  if (reducer) series = reduce(series, reducer, agg.groupByFields);
  return { def, series: series.filter((s) => s.points.length) };
}
