// The pure core of Cloud Scheduler jobs: unix-cron next runs in IANA zones
// (across daylight saving, day-of-month OR day-of-week), zone and schedule
// validation, update masks. Table-driven, no emulator.
import { describe, expect, it } from "vitest";
import { applyJobMask, checkTimeZone, nextRun, normaliseJob, runsBetween } from "./job";

describe("nextRun", () => {
  it.each([
    // 06:00 in Los Angeles is 14:00 UTC in winter (PST) and 13:00 UTC in summer (PDT).
    ["0 6 * * *", "America/Los_Angeles", "2026-11-30T15:00:00Z", "2026-12-01T14:00:00.000Z"],
    ["0 6 * * *", "America/Los_Angeles", "2026-07-01T12:00:00Z", "2026-07-01T13:00:00.000Z"],
    // The day after the spring change (2027-03-14) runs at the new offset.
    ["0 6 * * *", "America/Los_Angeles", "2027-03-14T12:00:00Z", "2027-03-14T13:00:00.000Z"],
    ["*/15 * * * *", "Etc/UTC", "2026-11-30T12:07:10Z", "2026-11-30T12:15:00.000Z"],
    ["30 2 * * 1-5", "Europe/Berlin", "2026-12-04T02:00:00Z", "2026-12-07T01:30:00.000Z"],
    // Both day fields set: either matches, as in unix cron (the 1st, or any Monday).
    ["0 0 1 * 1", "Etc/UTC", "2026-12-01T00:00:01Z", "2026-12-07T00:00:00.000Z"],
    ["0 9 * * MON", "Asia/Kolkata", "2026-11-30T04:00:00Z", "2026-12-07T03:30:00.000Z"],
  ])("%s in %s after %s is %s", (schedule, zone, after, want) => {
    expect(nextRun(schedule, zone, new Date(after))?.toISOString()).toBe(want);
  });

  it("lists the runs between two times", () => {
    const runs = runsBetween(
      "0 6 * * *",
      "America/Los_Angeles",
      new Date("2026-11-01T00:00:00Z"),
      new Date("2026-11-04T00:00:00Z"),
    );
    // 2026-11-01 is the autumn change: 06:00 PDT on the 1st is already PST (14:00 UTC).
    expect(runs.map((d) => d.toISOString())).toEqual([
      "2026-11-01T14:00:00.000Z",
      "2026-11-02T14:00:00.000Z",
      "2026-11-03T14:00:00.000Z",
    ]);
  });
});

describe("validation", () => {
  it.each(["", "* * * *", "0 0 0 * * *", "61 * * * *", "@hourly", "0 25 * * *", "* * 32 * *", "every 5 minutes"])(
    "refuses the schedule %j",
    (schedule) => {
      expect(() => normaliseJob({ schedule, httpTarget: { uri: "http://x/" } })).toThrow(
        /Schedule or time zone is invalid|schedule is required/,
      );
    },
  );

  it("takes any IANA zone and defaults to Etc/UTC", () => {
    expect(checkTimeZone(undefined)).toBe("Etc/UTC");
    expect(checkTimeZone("Pacific/Chatham")).toBe("Pacific/Chatham");
    expect(() => checkTimeZone("America/Springfield")).toThrow("Schedule or time zone is invalid.");
  });

  it("applies a mask path by path, and a whole target without one", () => {
    const stored = normaliseJob({
      schedule: "0 6 * * *",
      description: "d",
      httpTarget: { uri: "http://a/", httpMethod: "GET" },
    });
    expect(
      normaliseJob(applyJobMask(stored, { httpTarget: { uri: "http://b/" } }, ["http_target.uri"])).httpTarget,
    ).toMatchObject({ uri: "http://b/", httpMethod: "GET" });
    expect(
      normaliseJob(applyJobMask(stored, { httpTarget: { uri: "http://b/" } }, undefined)).httpTarget,
    ).toMatchObject({ uri: "http://b/", httpMethod: "POST" });
    expect(applyJobMask(stored, { state: "PAUSED", description: "x" }, ["state"])).toMatchObject({ description: "d" });
    expect(() => applyJobMask(stored, {}, ["retry_config.min_backoff_duration.seconds"])).toThrow(
      /Invalid update_mask/,
    );
  });
});
