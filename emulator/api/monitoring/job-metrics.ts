// Cloud Run job metrics, per minute, from the jobs' own tables (there is no
// separate metric pipeline for them): completed executions by result from
// run_executions, completed task attempts by result from run_task_attempts,
// and running executions (a gauge) from the executions' start and end.
import type { Db } from "../../db";
import type { Series } from "./aggregate";
import type { MetricDef } from "./metrics";

const MINUTE = 60_000;
const resource = (project: string, r: { location: string; job_id: string }) => ({
  project_id: project,
  job_name: r.job_id,
  location: r.location,
});

type Row = { location: string; job_id: string; minute: Date; label: string; n: string };

const COMPLETION = "to_timestamp((e.execution->'completionTime'->>'seconds')::bigint)";
const START = "to_timestamp((e.execution->'startTime'->>'seconds')::bigint)";
const JOB_ID = "split_part(e.job, '/', 6)";

export async function jobSeries(
  db: Db,
  type: string,
  def: MetricDef,
  project: string,
  fromMs: number,
  toMs: number,
): Promise<Series[]> {
  const params = [project, fromMs, toMs];
  // Minutes whose end falls in (from, to].
  const inWindow = (col: string) =>
    `${col} >= to_timestamp($2 / 1000.0) - interval '1 minute' AND ${col} < to_timestamp($3 / 1000.0) - interval '1 minute'`;
  let rows: Row[];
  if (type.endsWith("/completed_task_attempt_count")) {
    ({ rows } = await db.query<Row>(
      `SELECT location, job_id, date_trunc('minute', end_time) AS minute, CASE WHEN succeeded THEN 'succeeded' ELSE 'failed' END AS label, count(*)::text AS n
       FROM run_task_attempts WHERE project = $1 AND ${inWindow("date_trunc('minute', end_time)")} GROUP BY 1, 2, 3, 4`,
      params,
    ));
  } else if (type.endsWith("/completed_execution_count")) {
    ({ rows } = await db.query<Row>(
      `SELECT e.location, ${JOB_ID} AS job_id, date_trunc('minute', ${COMPLETION}) AS minute,
              CASE WHEN e.execution->>'cancelledCount' <> '0' AND e.execution->>'failedCount' = '0' THEN 'cancelled'
                   WHEN e.execution->>'failedCount' = '0' THEN 'succeeded' ELSE 'failed' END AS label, count(*)::text AS n
       FROM run_executions e WHERE e.project = $1 AND e.done AND ${inWindow(`date_trunc('minute', ${COMPLETION})`)} GROUP BY 1, 2, 3, 4`,
      params,
    ));
  } else {
    // An execution runs in every minute from its start's to its completion's (or now).
    ({ rows } = await db.query<Row>(
      `SELECT e.location, ${JOB_ID} AS job_id, m AS minute, '' AS label, count(*)::text AS n
       FROM run_executions e, generate_series(date_trunc('minute', ${START}),
              date_trunc('minute', CASE WHEN e.done THEN ${COMPLETION} ELSE now() END), interval '1 minute') AS m
       WHERE e.project = $1 AND e.execution->'startTime' IS NOT NULL AND ${inWindow("m")} GROUP BY 1, 2, 3, 4`,
      params,
    ));
  }
  const byKey = new Map<string, Series>();
  for (const r of rows) {
    const metric: Record<string, string> = r.label ? { result: r.label } : {};
    const key = `${r.location}|${r.job_id}|${r.label}`;
    let s = byKey.get(key);
    if (!s)
      byKey.set(
        key,
        (s = {
          metric,
          resource: resource(project, r),
          resourceType: "cloud_run_job",
          kind: def.kind,
          type: def.type,
          points: [],
        }),
      );
    const start = r.minute.getTime();
    s.points.push({ start: def.kind === "GAUGE" ? start + MINUTE : start, end: start + MINUTE, v: { n: Number(r.n) } });
  }
  return [...byKey.values()];
}
