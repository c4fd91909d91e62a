// Pairing execution-log entries into attempts and runs, and the numbers the
// schedule page shows from them; targets breached or not. Pure, table-like.
import { describe, expect, it } from "vitest";
import { summarizeHistory, type ExecutionLogEntry } from "./history";
import { targetService } from "./model";
import { runsOverDuration, targetBreaches } from "./targets";

const JOB = "projects/ai-usage-analytics-prod/locations/us-central1/jobs/daily-analytics";
let seq = 0;
const at = (iso: string) => new Date(iso);
function started(iso: string, scheduled: string, job = JOB): ExecutionLogEntry {
  return {
    timestamp: at(iso),
    job,
    kind: "started",
    scheduledTime: scheduled,
    httpStatus: null,
    status: null,
    severity: "INFO",
    insertId: `e${++seq}`,
  };
}
function finished(
  iso: string,
  scheduled: string | null,
  httpStatus: number,
  status: string | null = null,
  job = JOB,
): ExecutionLogEntry {
  return {
    timestamp: at(iso),
    job,
    kind: "finished",
    scheduledTime: scheduled,
    httpStatus,
    status,
    severity: httpStatus >= 200 && httpStatus < 300 ? "INFO" : "ERROR",
    insertId: `e${++seq}`,
  };
}

const D1 = "2026-11-28T14:00:00Z";
const D2 = "2026-11-29T14:00:00Z";
const D3 = "2026-11-30T14:00:00Z";

describe("summarizeHistory", () => {
  it("pairs each start with its finish, groups retries into runs, and takes the rate over runs", () => {
    const entries = [
      started("2026-11-28T14:00:01Z", D1),
      finished("2026-11-28T14:04:01Z", D1, 200),
      // Day 2: a 500, then the retry succeeds: one successful run, two attempts.
      started("2026-11-29T14:00:01Z", D2),
      finished("2026-11-29T14:00:31Z", D2, 500, "INTERNAL"),
      started("2026-11-29T14:00:41Z", D2),
      finished("2026-11-29T14:06:41Z", D2, 200),
      // Day 3: the deadline passes on every try.
      started("2026-11-30T14:00:01Z", D3),
      finished("2026-11-30T14:10:01Z", D3, 0, "DEADLINE_EXCEEDED"),
    ];
    // Shuffled input: order comes from the timestamps.
    const s = summarizeHistory([...entries].reverse());
    expect(s.runs).toEqual({ succeeded: 2, failed: 1, running: 0 });
    expect(s.successRate).toBeCloseTo(2 / 3);
    expect(s.attempts.map((a) => [a.scheduledTime, a.ok, a.durationMs, a.status])).toEqual([
      [D3, false, 600_000, "DEADLINE_EXCEEDED"],
      [D2, true, 360_000, null],
      [D2, false, 30_000, "INTERNAL"],
      [D1, true, 240_000, null],
    ]);
    expect(s.duration).toEqual({ median: 240_000, p95: 360_000, max: 360_000, last: 360_000 });
    expect(s.lastSuccessAt).toEqual(at("2026-11-29T14:06:41Z"));
    expect(s.lastAttempt?.scheduledTime).toBe(D3);
  });

  it("counts an attempt still running, and ignores a finish whose start fell before the window", () => {
    const s = summarizeHistory([finished("2026-11-29T14:05:00Z", D2, 200), started("2026-11-30T14:00:01Z", D3)]);
    expect(s.runs).toEqual({ succeeded: 0, failed: 0, running: 1 });
    expect(s.successRate).toBeNull();
    expect(s.duration).toBeNull();
    expect(s.attempts).toHaveLength(1);
    expect(s.attempts[0]).toMatchObject({ ok: null, finishedAt: null, durationMs: null });
  });

  it("keeps jobs apart, and pairs a finish without scheduledTime with its job's open start", () => {
    const other = "projects/intentvision-prod/locations/us-central1/jobs/periodic";
    const s = summarizeHistory([
      started("2026-11-30T10:00:00Z", D3),
      started("2026-11-30T10:00:01Z", D3, other),
      finished("2026-11-30T10:00:05Z", null, 200, null, other),
      finished("2026-11-30T10:00:09Z", null, 404, "NOT_FOUND"),
    ]);
    expect(s.attempts.map((a) => [a.job, a.ok, a.durationMs])).toEqual([
      [other, true, 4000],
      [JOB, false, 9000],
    ]);
  });

  it("is empty without entries", () => {
    expect(summarizeHistory([])).toEqual({
      attempts: [],
      runs: { succeeded: 0, failed: 0, running: 0 },
      successRate: null,
      duration: null,
      lastAttempt: null,
      lastSuccessAt: null,
    });
  });
});

describe("targetBreaches", () => {
  const plan = { maxDurationSeconds: 600, maxFreshnessHours: 24 };
  const history = (minutes: number, endedIso: string) =>
    summarizeHistory([
      started(new Date(at(endedIso).getTime() - minutes * 60_000).toISOString(), D2),
      finished(endedIso, D2, 200),
    ]);

  it("flags nothing within the targets", () => {
    expect(targetBreaches(history(9, "2026-11-30T06:00:00Z"), plan, at("2026-11-30T12:00:00Z"))).toEqual([]);
  });

  it("flags a run longer than the target and data older than the target", () => {
    const s = history(12, "2026-11-28T06:00:00Z");
    expect(targetBreaches(s, plan, at("2026-11-30T12:00:00Z"))).toEqual([
      { kind: "duration", message: "The last successful run took 12 min; the target is under 10 min." },
      { kind: "freshness", message: "The last success was 54 h 0 min ago; the target is within 24 h." },
    ]);
    expect(runsOverDuration(s, plan)).toBe(1);
  });

  it("flags freshness when nothing succeeded, and nothing without targets", () => {
    const failed = summarizeHistory([started("2026-11-30T10:00:00Z", D3), finished("2026-11-30T10:00:09Z", D3, 500)]);
    expect(targetBreaches(failed, plan, at("2026-11-30T12:00:00Z"))).toEqual([
      { kind: "freshness", message: "No successful run in the history; the target is a success within 24 h." },
    ]);
    expect(
      targetBreaches(failed, { maxDurationSeconds: null, maxFreshnessHours: null }, at("2026-11-30T12:00:00Z")),
    ).toEqual([]);
  });
});

describe("targetService", () => {
  const services = [
    {
      project: "ai-usage-analytics-prod",
      region: "us-central1",
      id: "ai-usage-analytics-pipeline",
      uri: "https://ai-usage-analytics-pipeline-x2kq7a-uc.a.run.app",
    },
    {
      project: "pyplots-prod",
      region: "europe-west4",
      id: "pyplots-api",
      uri: "http://pyplots-api.europe-west4.localhost:8087",
    },
  ];
  it.each([
    ["https://ai-usage-analytics-pipeline-x2kq7a-uc.a.run.app/run-daily-job", "ai-usage-analytics-pipeline"],
    [
      "https://ai-usage-analytics-pipeline-123456789012.us-central1.run.app/run-daily-job",
      "ai-usage-analytics-pipeline",
    ],
    ["http://pyplots-api.europe-west4.localhost/migrate", "pyplots-api"],
    ["http://pyplots-api.europe-west4.localhost:9999/migrate", "pyplots-api"],
    ["https://example.com/run", null],
    ["https://pyplots-api-123.us-central1.run.app/", null],
    ["not a url", null],
  ])("%s → %s", (uri, service) => {
    expect(targetService(uri, services, "ai-usage-analytics-prod")?.service ?? null).toBe(service);
  });
});
