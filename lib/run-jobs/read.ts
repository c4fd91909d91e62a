// Cloud Run jobs of the covered locations, and one job's executions with their
// tasks, through the official Run v2 clients. Lists are briefly cached.
import type { protos } from "@google-cloud/run";
import { TtlCache } from "../cache";
import { runJobsClients, type RunJobsClients } from "../gcp/clients";
import { readWithRetry, upstreamError } from "../gcp/errors";
import type { Location } from "../services/locations";
import { toExecutionView, toJobView, type ExecutionView, type JobView } from "./model";
import { jobName, type JobRef } from "./names";

export type RunJobsByLocation = Location & { jobs: JobView[]; error: string | null };

const CALL = { timeout: 15_000 };
const lists = new TtlCache<protos.google.cloud.run.v2.IJob[]>(5_000);
/** Executions shown on a job's page, newest first. */
export const EXECUTIONS_SHOWN = 10;

export function invalidateRunJobs(project?: string): void {
  lists.invalidate(project ? `${project}/` : "");
}

export async function listRunJobs(
  locations: Location[],
  clients: RunJobsClients = runJobsClients(),
): Promise<RunJobsByLocation[]> {
  const results = await Promise.allSettled(
    locations.map((l) =>
      lists.get(
        `${l.project}/${l.region}`,
        async () => (await clients.jobs.listJobs({ parent: `projects/${l.project}/locations/${l.region}` }, CALL))[0],
      ),
    ),
  );
  return locations.map((l, i) => {
    const r = results[i];
    if (r.status === "rejected")
      return {
        ...l,
        jobs: [],
        error: upstreamError(r.reason, "Cloud Run", `listing jobs in ${l.project}/${l.region}`).message,
      };
    return { ...l, jobs: r.value.map(toJobView).sort((a, b) => a.id.localeCompare(b.id)), error: null };
  });
}

export async function getRunJob(ref: JobRef, clients: RunJobsClients = runJobsClients()): Promise<JobView> {
  try {
    const [job] = await readWithRetry(() => clients.jobs.getJob({ name: jobName(ref) }, CALL));
    return toJobView(job);
  } catch (err) {
    throw upstreamError(err, "Cloud Run", `reading the job ${ref.job}`);
  }
}

/** The newest executions with their tasks (one ListTasks per execution, in parallel). */
export async function listExecutions(
  ref: JobRef,
  clients: RunJobsClients = runJobsClients(),
  max = EXECUTIONS_SHOWN,
): Promise<ExecutionView[]> {
  try {
    const [executions] = await readWithRetry(() =>
      clients.executions.listExecutions({ parent: jobName(ref), pageSize: max }, { ...CALL, autoPaginate: false }),
    );
    const newest = [...executions]
      .sort((a, b) => Number(b.createTime?.seconds ?? 0) - Number(a.createTime?.seconds ?? 0))
      .slice(0, max);
    const tasks = await Promise.all(
      newest.map((e) => clients.tasks.listTasks({ parent: e.name ?? "" }, CALL).then(([t]) => t)),
    );
    return newest.map((e, i) => toExecutionView(e, tasks[i]));
  } catch (err) {
    throw upstreamError(err, "Cloud Run", `listing executions of ${ref.job}`);
  }
}

export async function getExecution(name: string, clients: RunJobsClients = runJobsClients()): Promise<ExecutionView> {
  const [[execution], [tasks]] = await Promise.all([
    clients.executions.getExecution({ name }, CALL),
    clients.tasks.listTasks({ parent: name }, CALL),
  ]);
  return toExecutionView(execution, tasks);
}
