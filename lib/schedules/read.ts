// Cloud Scheduler jobs of the covered locations that call Cloud Run services
// over HTTP, through the official client: ListJobs per location, all
// locations in parallel, briefly cached and shared between viewers.
import type { protos } from "@google-cloud/scheduler";
import { TtlCache } from "../cache";
import { schedulerClient } from "../gcp/clients";
import { readWithRetry, upstreamError } from "../gcp/errors";
import type { Location } from "../services/locations";
import type { ServiceView } from "../services/model";
import { listFleet } from "../services/read";
import { toScheduleView, type ScheduleView } from "./model";
import { scheduleName, type ScheduleRef } from "./names";

type Scheduler = ReturnType<typeof schedulerClient>;
type Job = protos.google.cloud.scheduler.v1.IJob;
export type SchedulesByLocation = Location & { schedules: ScheduleView[]; error: string | null };

const CALL = { timeout: 15_000 };
const jobLists = new TtlCache<Job[]>(5_000);

export function invalidateSchedules(project?: string): void {
  jobLists.invalidate(project ? `${project}/` : "");
}

function listJobs(scheduler: Scheduler, { project, region }: Location): Promise<Job[]> {
  return jobLists.get(`${project}/${region}`, async () => {
    const [jobs] = await scheduler.listJobs({ parent: `projects/${project}/locations/${region}` }, CALL);
    // Only HTTP targets can call a Cloud Run service (Pub/Sub and App Engine targets cannot).
    return jobs.filter((j) => j.httpTarget);
  });
}

/** Every HTTP-target job per covered location; a failing location is reported beside the others. */
export async function listSchedules(
  locations: Location[],
  opts: { scheduler?: Scheduler; services?: ServiceView[]; now?: Date } = {},
): Promise<SchedulesByLocation[]> {
  const scheduler = opts.scheduler ?? schedulerClient();
  const now = opts.now ?? new Date();
  const [services, lists] = await Promise.all([
    opts.services ?? listFleet(locations).then((f) => f.services),
    Promise.allSettled(locations.map((l) => listJobs(scheduler, l))),
  ]);
  return locations.map((l, i) => {
    const r = lists[i];
    if (r.status === "rejected")
      return {
        ...l,
        schedules: [],
        error: upstreamError(r.reason, "Cloud Scheduler", `listing jobs in ${l.project}/${l.region}`).message,
      };
    return {
      ...l,
      schedules: r.value.map((j) => toScheduleView(j, services, now)).sort((a, b) => a.id.localeCompare(b.id)),
      error: null,
    };
  });
}

export async function getSchedule(
  ref: ScheduleRef,
  opts: { scheduler?: Scheduler; services: ServiceView[]; now?: Date },
): Promise<ScheduleView> {
  const scheduler = opts.scheduler ?? schedulerClient();
  try {
    const [job] = await readWithRetry(() => scheduler.getJob({ name: scheduleName(ref) }, CALL));
    return toScheduleView(job, opts.services, opts.now ?? new Date());
  } catch (err) {
    throw upstreamError(err, "Cloud Scheduler", `reading the job ${ref.job}`);
  }
}

/** The schedules whose target is this service (the service page lists them). */
export function schedulesCalling(
  all: SchedulesByLocation[],
  service: { project: string; region: string; service: string },
): ScheduleView[] {
  return all
    .flatMap((l) => l.schedules)
    .filter(
      (s) =>
        s.target &&
        s.target.project === service.project &&
        s.target.region === service.region &&
        s.target.service === service.service,
    );
}
