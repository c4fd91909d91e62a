// What the schedule pages show, put together: the jobs (Scheduler), their
// history from one execution-log read for all covered projects, their targets
// from Postgres and the breaches. A failing history read degrades alone: the
// schedules still show, with the error beside them.
import type { Db } from "../db";
import { AppError } from "../errors";
import type { Location } from "../services/locations";
import { listFleet } from "../services/read";
import { scheduleHistories } from "./history-read";
import type { HistorySummary } from "./history";
import type { ScheduleView } from "./model";
import type { ScheduleRef } from "./names";
import { getSchedule, listSchedules, type SchedulesByLocation } from "./read";
import { NO_TARGETS, readTargets } from "./targets-store";
import { targetBreaches, type Breach, type ScheduleTargets } from "./targets";

export type ScheduleRow = ScheduleView & {
  history: HistorySummary | null;
  targets: ScheduleTargets;
  breaches: Breach[];
};
export type SchedulesOverview = {
  locations: (Omit<SchedulesByLocation, "schedules"> & { schedules: ScheduleRow[] })[];
  historyError: string | null;
};

const projectsOf = (locations: Location[]) => [...new Set(locations.map((l) => l.project))];

async function histories(
  projects: string[],
  job?: ScheduleRef,
): Promise<{ map: Map<string, HistorySummary>; error: string | null }> {
  try {
    return { map: await scheduleHistories(projects, { job }), error: null };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { map: new Map(), error: err.message };
  }
}

async function rows(
  db: Db,
  schedules: ScheduleView[],
  history: Map<string, HistorySummary>,
  historyOk: boolean,
  now: Date,
): Promise<ScheduleRow[]> {
  const targets = await readTargets(
    db,
    schedules.map((s) => s.name),
  );
  return schedules.map((s) => {
    const t = targets.get(s.name) ?? NO_TARGETS;
    // A job with no attempt in the window has an empty history, not an unknown one.
    const h = history.get(s.name) ?? (historyOk ? emptyHistory() : null);
    return { ...s, history: h, targets: t, breaches: h ? targetBreaches(h, t, now) : [] };
  });
}

function emptyHistory(): HistorySummary {
  return {
    attempts: [],
    runs: { succeeded: 0, failed: 0, running: 0 },
    successRate: null,
    duration: null,
    lastAttempt: null,
    lastSuccessAt: null,
  };
}

export async function schedulesOverview(db: Db, locations: Location[], now = new Date()): Promise<SchedulesOverview> {
  const [byLocation, history] = await Promise.all([
    listSchedules(locations, { now }),
    histories(projectsOf(locations)),
  ]);
  const out = await Promise.all(
    byLocation.map(async (l) => ({ ...l, schedules: await rows(db, l.schedules, history.map, !history.error, now) })),
  );
  return { locations: out, historyError: history.error };
}

export async function scheduleDetail(
  db: Db,
  ref: ScheduleRef,
  locations: Location[],
  now = new Date(),
): Promise<{ schedule: ScheduleRow; historyError: string | null }> {
  const [fleet, history] = await Promise.all([listFleet(locations), histories([ref.project], ref)]);
  const schedule = await getSchedule(ref, { services: fleet.services, now });
  const [row] = await rows(db, [schedule], history.map, !history.error, now);
  return { schedule: row, historyError: history.error };
}
