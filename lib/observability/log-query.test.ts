import { describe, expect, it } from "vitest";
import { buildLogFilter, LogQuery, quote } from "./log-query";

const now = new Date("2026-11-23T12:00:00.000Z");
const q = (input: Record<string, unknown>) => LogQuery.parse({ project: "pyplots-prod", ...input });

describe("buildLogFilter", () => {
  it("scopes to Cloud Run and the last hour by default", () => {
    expect(buildLogFilter(q({}), now)).toBe(
      'resource.type="cloud_run_revision"\ntimestamp>="2026-11-23T11:00:00.000Z"',
    );
  });

  it("adds service, revision, minimum severity, request log and text, one line each", () => {
    const filter = buildLogFilter(
      q({
        service: "pyplots-api",
        revision: "pyplots-api-00002-abc",
        severity: "WARNING",
        kind: "requests",
        text: 'say "hi"',
        range: "1d",
      }),
      now,
    );
    expect(filter.split("\n")).toEqual([
      'resource.type="cloud_run_revision"',
      'resource.labels.service_name="pyplots-api"',
      'resource.labels.revision_name="pyplots-api-00002-abc"',
      'logName="projects/pyplots-prod/logs/run.googleapis.com%2Frequests"',
      "severity>=WARNING",
      'timestamp>="2026-11-22T12:00:00.000Z"',
      '"say \\"hi\\""',
    ]);
  });

  it("reads a Cloud Run job's logs, one execution's when given", () => {
    expect(
      buildLogFilter(q({ job: "pyplots-migrate", execution: "pyplots-migrate-x7k2p", range: "7d" }), now).split("\n"),
    ).toEqual([
      'resource.type="cloud_run_job"',
      'resource.labels.job_name="pyplots-migrate"',
      'labels."run.googleapis.com/execution_name"="pyplots-migrate-x7k2p"',
      'timestamp>="2026-11-16T12:00:00.000Z"',
    ]);
  });

  it("matches both container streams for application logs", () => {
    expect(buildLogFilter(q({ kind: "app" }), now)).toContain(
      '(logName="projects/pyplots-prod/logs/run.googleapis.com%2Fstdout" OR logName="projects/pyplots-prod/logs/run.googleapis.com%2Fstderr")',
    );
  });

  it("uses both ends of a custom range", () => {
    const filter = buildLogFilter(
      q({ range: "custom", from: "2026-11-20T00:00:00Z", to: "2026-11-21T00:00:00Z" }),
      now,
    );
    expect(filter).toContain('timestamp>="2026-11-20T00:00:00.000Z"\ntimestamp<="2026-11-21T00:00:00.000Z"');
  });

  it("reads datetime-local form values as UTC and refuses an end before the start", () => {
    expect(buildLogFilter(q({ range: "custom", from: "2026-11-20T08:30" }), now)).toContain(
      'timestamp>="2026-11-20T08:30:00.000Z"',
    );
    expect(
      LogQuery.safeParse({ project: "pyplots-prod", range: "custom", from: "2026-11-21T00:00", to: "2026-11-20T00:00" })
        .success,
    ).toBe(false);
  });

  it("rejects what would break out of the query", () => {
    expect(LogQuery.safeParse({ project: "pyplots-prod", service: 'x" OR "1' }).success).toBe(false);
    expect(LogQuery.safeParse({ project: "pyplots-prod", severity: "LOUD" }).success).toBe(false);
    expect(LogQuery.safeParse({ project: "pyplots-prod", range: "custom" }).success).toBe(false);
    expect(quote('a\\"b')).toBe('"a\\\\\\"b"');
  });
});
