// Cloud Scheduler's unix-cron, as people need to read it: valid or not (with a
// message for the form field), in words, and the next run times in the job's
// own IANA zone and in UTC. Pure (croner and cronstrue do no I/O), so the edit
// form previews with the same code the server validates with.
import { Cron } from "croner";
import cronstrue from "cronstrue";

export type NextRun = { at: Date; /** In the job's zone, e.g. "2026-12-01 06:00 PST". */ local: string; utc: string };

/** An IANA zone name the runtime knows ("America/Los_Angeles", "UTC"); Cloud Scheduler also takes "utc". */
export function timeZoneError(zone: string): string | null {
  if (!zone.trim()) return "Choose a time zone.";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return null;
  } catch {
    return `Unknown time zone "${zone}"; use an IANA name such as America/Los_Angeles or UTC.`;
  }
}

function cron(schedule: string, zone: string): Cron {
  // "5-part": minute hour day-of-month month day-of-week, as Cloud Scheduler reads it.
  return new Cron(schedule.trim(), { timezone: zone, mode: "5-part", paused: true });
}

/** Null when Cloud Scheduler would take it; otherwise a message for the field. */
export function cronError(schedule: string): string | null {
  const fields = schedule.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5)
    return `A schedule has 5 fields (minute hour day-of-month month day-of-week); this has ${fields.length}.`;
  try {
    cron(schedule, "UTC");
    return null;
  } catch (err) {
    return `Not a valid cron schedule: ${String((err as Error).message ?? err).replace(/^CronPattern: /, "")}`;
  }
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "YYYY-MM-DD HH:mm ZONE" in `zone`; fixed form, so the server and the browser print the same. */
export function formatInZone(at: Date, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${pad(Number(parts.hour))}:${parts.minute} ${parts.timeZoneName}`;
}

/** The next `count` run times strictly after `from`; empty when the schedule or zone is not valid. */
export function nextRuns(schedule: string, zone: string, from: Date, count = 3): NextRun[] {
  if (cronError(schedule) || timeZoneError(zone)) return [];
  return cron(schedule, zone)
    .nextRuns(count, from)
    .map((at) => ({ at, local: formatInZone(at, zone), utc: formatInZone(at, "UTC") }));
}

/** "At 06:00 AM" — the schedule in words; the raw text when cronstrue cannot read it. */
export function describeSchedule(schedule: string): string {
  try {
    return cronstrue.toString(schedule.trim(), { verbose: false, use24HourTimeFormat: true });
  } catch {
    return schedule;
  }
}
