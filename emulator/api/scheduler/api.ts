// google.cloud.scheduler.v1.CloudScheduler over the SchedulerStore: CRUD with
// an update mask, pause/resume with Google's state checks, RunJob handed to
// the dispatcher. Errors as Google's: INVALID_ARGUMENT for a bad cron or zone,
// ALREADY_EXISTS, NOT_FOUND, FAILED_PRECONDITION for a state that does not
// allow the call.
import { alreadyExists, failedPrecondition, invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import type { Handler } from "../../grpc/server";
import type { Projects } from "../projects";
import type { SchedulerClock } from "./clock";
import type { Dispatcher } from "./dispatcher";
import {
  applyJobMask,
  generatedJobId,
  jobName,
  nextRun,
  normaliseJob,
  parseJobName,
  parseLocation,
  type JobKey,
} from "./job";
import { jobOut, type SchedulerStore } from "./store";

type Deps = { store: SchedulerStore; projects: Projects; clock: SchedulerClock; dispatcher: Dispatcher };

export function schedulerHandlers({ store, projects, clock, dispatcher }: Deps): Record<string, Handler> {
  const key = async (name: string | undefined): Promise<JobKey> => {
    const k = parseJobName(name);
    return { ...k, project: await projects.resolve(k.project) };
  };
  const existing = async (k: JobKey) => {
    const row = await store.get(k);
    if (!row) throw notFound(`Job not found: ${jobName(k)}.`);
    return row;
  };

  return {
    async CreateJob(req: { parent?: string; job?: Record<string, unknown> }) {
      const parent = parseLocation(req.parent);
      parent.project = await projects.resolve(parent.project);
      if (!req.job) throw invalid("job is required.");
      let k: JobKey;
      if (req.job.name) {
        k = await key(req.job.name as string);
        if (k.project !== parent.project || k.location !== parent.location) {
          throw invalid(`Job name ${String(req.job.name)} is not under the parent ${req.parent}.`);
        }
      } else k = { ...parent, jobId: generatedJobId() };
      const spec = normaliseJob(req.job);
      const now = clock.now();
      if (!(await store.insert(k, spec, nextRun(spec.schedule, spec.timeZone, now), now)))
        throw alreadyExists(`Job ${jobName(k)} already exists.`);
      dispatcher.wake();
      return jobOut((await store.get(k))!);
    },

    async GetJob(req: { name?: string }) {
      return jobOut(await existing(await key(req.name)));
    },

    async ListJobs(req: { parent?: string; pageSize?: number; pageToken?: string }) {
      const parent = parseLocation(req.parent);
      const page = readPage(req.pageSize, req.pageToken, 500, 500);
      const rows = await store.list(
        await projects.resolve(parent.project),
        parent.location,
        page.offset,
        page.limit + 1,
      );
      const { items, nextPageToken } = pageOf(rows, page);
      return { jobs: items.map(jobOut), nextPageToken };
    },

    async UpdateJob(req: { job?: Record<string, unknown>; updateMask?: { paths?: string[] } }) {
      if (!req.job) throw invalid("job is required.");
      const k = await key(req.job.name as string | undefined);
      const row = await existing(k);
      const spec = normaliseJob(applyJobMask(row.spec, req.job, req.updateMask?.paths));
      const now = clock.now();
      const updated = await store.update(k, {
        spec,
        user_update_time: now,
        ...(row.state === "ENABLED" ? { schedule_time: nextRun(spec.schedule, spec.timeZone, now) } : {}),
      });
      if (!updated) throw notFound(`Job not found: ${jobName(k)}.`);
      dispatcher.wake();
      return jobOut(updated);
    },

    async DeleteJob(req: { name?: string }) {
      const k = await key(req.name);
      if (!(await store.delete(k))) throw notFound(`Job not found: ${jobName(k)}.`);
      return {};
    },

    async PauseJob(req: { name?: string }) {
      const k = await key(req.name);
      const row = await existing(k);
      // Google's words (gcloud shows them for a second pause).
      if (row.state !== "ENABLED") throw failedPrecondition("Job has been paused.");
      return jobOut((await store.update(k, { state: "PAUSED", schedule_time: null, user_update_time: clock.now() }))!);
    },

    async ResumeJob(req: { name?: string }) {
      const k = await key(req.name);
      const row = await existing(k);
      if (row.state !== "PAUSED")
        throw failedPrecondition(`Job ${jobName(k)} is ${row.state}; only a PAUSED job can be resumed.`);
      const now = clock.now();
      const updated = await store.update(k, {
        state: "ENABLED",
        schedule_time: nextRun(row.spec.schedule, row.spec.timeZone, now),
        user_update_time: now,
      });
      dispatcher.wake();
      return jobOut(updated!);
    },

    async RunJob(req: { name?: string }) {
      const k = await key(req.name);
      const row = await existing(k);
      if (row.state !== "ENABLED")
        throw failedPrecondition(`Job ${jobName(k)} is ${row.state}; resume it before running it.`);
      dispatcher.runNow(row);
      return jobOut(row);
    },
  };
}
