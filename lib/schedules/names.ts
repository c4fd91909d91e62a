// Cloud Scheduler job names (projects/{p}/locations/{l}/jobs/{id}) and the
// portal paths of schedule pages. Pure: client components use it too.

export type ScheduleRef = { project: string; location: string; job: string };

const JOB_NAME =
  /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/locations\/([a-z]+-[a-z]+\d+)\/jobs\/([A-Za-z0-9_-]{1,500})$/;
export const JOB_ID = /^[A-Za-z0-9_-]{1,500}$/;

export function parseScheduleName(name: string): ScheduleRef | null {
  const m = JOB_NAME.exec(name);
  return m ? { project: m[1], location: m[2], job: m[3] } : null;
}

export function scheduleName({ project, location, job }: ScheduleRef): string {
  return `projects/${project}/locations/${location}/jobs/${job}`;
}

export function schedulePath({ project, location, job }: ScheduleRef): string {
  return `/schedules/${project}/${location}/${job}`;
}
