// Cron next-run times, validation and words: table-driven, pure.
import { describe, expect, it } from "vitest";
import { cronError, describeSchedule, formatInZone, nextRuns, timeZoneError } from "./cron";

describe("nextRuns", () => {
  it("gives the next three runs in the job's zone and in UTC, across a DST change", () => {
    // Daily 6 AM Pacific, the weekend US clocks move forward (8 March 2026).
    expect(
      nextRuns("0 6 * * *", "America/Los_Angeles", new Date("2026-03-07T00:00:00Z")).map((r) => [
        r.at.toISOString(),
        r.local,
        r.utc,
      ]),
    ).toEqual([
      ["2026-03-07T14:00:00.000Z", "2026-03-07 06:00 PST", "2026-03-07 14:00 UTC"],
      ["2026-03-08T13:00:00.000Z", "2026-03-08 06:00 PDT", "2026-03-08 13:00 UTC"],
      ["2026-03-09T13:00:00.000Z", "2026-03-09 06:00 PDT", "2026-03-09 13:00 UTC"],
    ]);
  });

  it.each([
    [
      "*/5 * * * *",
      "UTC",
      "2026-11-30T12:03:10Z",
      ["2026-11-30T12:05:00.000Z", "2026-11-30T12:10:00.000Z", "2026-11-30T12:15:00.000Z"],
    ],
    [
      "0 9 * * 1-5",
      "Europe/Amsterdam",
      "2026-12-04T09:00:00Z",
      ["2026-12-07T08:00:00.000Z", "2026-12-08T08:00:00.000Z", "2026-12-09T08:00:00.000Z"],
    ],
    [
      "30 2 1 * *",
      "utc",
      "2026-11-30T00:00:00Z",
      ["2026-12-01T02:30:00.000Z", "2027-01-01T02:30:00.000Z", "2027-02-01T02:30:00.000Z"],
    ],
  ])("%s in %s after %s", (schedule, zone, from, expected) => {
    expect(nextRuns(schedule, zone, new Date(from)).map((r) => r.at.toISOString())).toEqual(expected);
  });

  it("is strictly after `from`", () => {
    expect(nextRuns("0 * * * *", "UTC", new Date("2026-11-30T12:00:00Z"), 1)[0].at.toISOString()).toBe(
      "2026-11-30T13:00:00.000Z",
    );
  });

  it("is empty for a schedule or zone that is not valid", () => {
    expect(nextRuns("0 6 * *", "UTC", new Date())).toEqual([]);
    expect(nextRuns("0 6 * * *", "Mars/Olympus", new Date())).toEqual([]);
  });
});

describe("validation", () => {
  it.each([
    ["0 6 * * *", null],
    ["*/5 * * * *", null],
    ["0 6 * *", "A schedule has 5 fields (minute hour day-of-month month day-of-week); this has 4."],
    ["0 0 6 * * *", "A schedule has 5 fields (minute hour day-of-month month day-of-week); this has 6."],
    ["", "A schedule has 5 fields (minute hour day-of-month month day-of-week); this has 0."],
  ])("cron %j", (schedule, error) => {
    expect(cronError(schedule)).toBe(error);
  });

  it.each(["61 6 * * *", "0 25 * * *", "0 6 32 * *", "banana * * * *"])("refuses %j with a message", (schedule) => {
    expect(cronError(schedule)).toMatch(/^Not a valid cron schedule: /);
  });

  it.each([
    ["America/Los_Angeles", null],
    ["UTC", null],
    ["utc", null],
    ["Europe/Amsterdam", null],
  ])("zone %s", (zone, error) => {
    expect(timeZoneError(zone)).toBe(error);
  });

  it("names an unknown zone and an empty one", () => {
    expect(timeZoneError("Mars/Olympus")).toBe(
      'Unknown time zone "Mars/Olympus"; use an IANA name such as America/Los_Angeles or UTC.',
    );
    expect(timeZoneError(" ")).toBe("Choose a time zone.");
  });
});

describe("words", () => {
  it.each([
    ["0 6 * * *", "At 06:00"],
    ["*/5 * * * *", "Every 5 minutes"],
    ["0 */4 * * 1-5", "On the hour, every 4 hours, Monday through Friday"],
  ])("%s", (schedule, words) => {
    expect(describeSchedule(schedule)).toBe(words);
  });

  it("formats an instant in a zone with its abbreviation", () => {
    expect(formatInZone(new Date("2026-07-01T13:00:00Z"), "America/Los_Angeles")).toBe("2026-07-01 06:00 PDT");
  });
});
