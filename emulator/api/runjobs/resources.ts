// Cloud Run jobs v2 resources: names, validation, Google's defaults, the
// Execution a RunJob creates (with its overrides) and the conditions jobs,
// executions and tasks carry in each state.
import { randomBytes } from "node:crypto";
import { invalid } from "../../grpc/errors";
import { durationMs, newEtag, newUid, projectNumber, toTimestamp } from "../run/names";
import type { Condition, ConditionState, Container, EnvVar } from "../run/types";
import { checkContainer, checkLabels, type Violations } from "../run/validate";

export type Duration = { seconds?: string | number; nanos?: number };
export type TaskTemplate = {
  containers?: Container[];
  maxRetries?: number;
  timeout?: Duration;
  serviceAccount?: string;
  [k: string]: unknown;
};
export type ExecutionTemplate = {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  parallelism?: number;
  taskCount?: number;
  template?: TaskTemplate;
};
export type Job = {
  name: string;
  uid?: string;
  generation?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  createTime?: object;
  updateTime?: object;
  creator?: string;
  lastModifier?: string;
  launchStage?: string;
  template?: ExecutionTemplate;
  observedGeneration?: string;
  terminalCondition?: Condition;
  conditions?: Condition[];
  executionCount?: number;
  reconciling?: boolean;
  etag?: string;
  latestCreatedExecution?: { name: string; createTime?: object; completionTime?: object; completionStatus: string };
  [k: string]: unknown;
};
export type Execution = {
  name: string;
  uid: string;
  creator: string;
  generation: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  createTime: object;
  startTime?: object;
  completionTime?: object;
  updateTime: object;
  launchStage: string;
  job: string;
  parallelism: number;
  taskCount: number;
  template: TaskTemplate;
  reconciling: boolean;
  conditions: Condition[];
  observedGeneration: string;
  runningCount: number;
  succeededCount: number;
  failedCount: number;
  cancelledCount: number;
  retriedCount: number;
  logUri: string;
  etag: string;
};
export type Task = {
  name: string;
  uid: string;
  generation: string;
  labels: Record<string, string>;
  createTime: object;
  scheduledTime?: object;
  startTime?: object;
  completionTime?: object;
  updateTime: object;
  job: string;
  execution: string;
  containers: Container[];
  maxRetries: number;
  timeout: Duration;
  serviceAccount: string;
  reconciling: boolean;
  conditions: Condition[];
  observedGeneration: string;
  index: number;
  retried: number;
  lastAttemptResult?: { status: { code: number; message: string }; exitCode: number; termSignal?: number };
  logUri: string;
  etag: string;
};

export const JOB_ENV = [
  "CLOUD_RUN_JOB",
  "CLOUD_RUN_EXECUTION",
  "CLOUD_RUN_TASK_INDEX",
  "CLOUD_RUN_TASK_COUNT",
  "CLOUD_RUN_TASK_ATTEMPT",
];
const JOB_ID = /^[a-z](?:[-a-z0-9]{0,47}[a-z0-9])?$/;
const SEGMENT = "[^/]+";
export const DEFAULT_TASK_TIMEOUT_MS = 600_000;

export type JobName = { project: string; location: string; jobId: string; name: string };
export const jobName = (project: string, location: string, jobId: string) =>
  `projects/${project}/locations/${location}/jobs/${jobId}`;

export function parseJobName(name: string | undefined): JobName {
  const m = new RegExp(`^projects/(${SEGMENT})/locations/(${SEGMENT})/jobs/(${SEGMENT})$`).exec(name ?? "");
  if (!m)
    throw invalid(`Invalid job name "${name ?? ""}": expected projects/{project}/locations/{location}/jobs/{job}`);
  return { project: m[1], location: m[2], jobId: m[3], name: name! };
}

export function parseExecutionName(name: string | undefined): JobName & { executionId: string; job: string } {
  const m = new RegExp(`^(projects/${SEGMENT}/locations/${SEGMENT}/jobs/${SEGMENT})/executions/(${SEGMENT})$`).exec(
    name ?? "",
  );
  if (!m)
    throw invalid(
      `Invalid execution name "${name ?? ""}": expected projects/{project}/locations/{location}/jobs/{job}/executions/{execution}`,
    );
  return { ...parseJobName(m[1]), name: name!, job: m[1], executionId: m[2] };
}

export function parseTaskName(name: string | undefined): { execution: string; taskId: string } {
  const m = new RegExp(
    `^(projects/${SEGMENT}/locations/${SEGMENT}/jobs/${SEGMENT}/executions/${SEGMENT})/tasks/(${SEGMENT})$`,
  ).exec(name ?? "");
  if (!m)
    throw invalid(
      `Invalid task name "${name ?? ""}": expected projects/{project}/locations/{location}/jobs/{job}/executions/{execution}/tasks/{task}`,
    );
  return { execution: m[1], taskId: m[2] };
}

export function jobIdProblem(id: string): string | null {
  if (!id) return "job_id is required";
  if (!JOB_ID.test(id))
    return `job_id "${id}" must begin with a letter, contain only lowercase letters, digits and hyphens, not end with a hyphen, and be at most 49 characters`;
  return null;
}

/** `{job}-{5 random}`, as Cloud Run names executions. */
export function newExecutionId(jobId: string): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return `${jobId}-${[...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join("")}`;
}

function checkTaskTemplate(v: Violations, path: string, t: TaskTemplate | undefined) {
  if (!t) return void v.push(`${path}: is required`);
  const containers = t.containers ?? [];
  if (!containers.length) v.push(`${path}.containers: at least one container is required`);
  containers.forEach((c, i) => {
    checkContainer(v, `${path}.containers[${i}]`, c);
    for (const e of c.env ?? [])
      if (JOB_ENV.includes(e.name))
        v.push(`${path}.containers[${i}].env: ${e.name} is a reserved environment variable name and cannot be set`);
  });
  if (t.maxRetries !== undefined && (t.maxRetries < 0 || t.maxRetries > 10))
    v.push(`${path}.max_retries: must be between 0 and 10`);
  const timeout = durationMs(t.timeout as never);
  if (timeout < 0 || timeout > 168 * 3_600_000) v.push(`${path}.timeout: must be at most 168h`);
}

export function validateJob(job: Job): void {
  const v: Violations = [];
  checkLabels(v, "job.labels", job.labels);
  const t = job.template;
  if (!t) v.push("job.template: is required");
  else {
    if ((t.taskCount ?? 1) < 0 || (t.taskCount ?? 1) > 10_000)
      v.push("job.template.task_count: must be between 1 and 10000");
    if ((t.parallelism ?? 0) < 0) v.push("job.template.parallelism: must not be negative");
    checkTaskTemplate(v, "job.template.template", t.template);
  }
  if (v.length) throw invalid(`Invalid Job: ${v.join("; ")}`);
}

/** Google's defaults for the user fields of a job. */
export function jobDefaults(job: Job, project: string): Job {
  const t: ExecutionTemplate = job.template ?? {};
  const tt: TaskTemplate = t.template ?? {};
  return {
    ...job,
    launchStage: job.launchStage && job.launchStage !== "LAUNCH_STAGE_UNSPECIFIED" ? job.launchStage : "GA",
    template: {
      ...t,
      taskCount: t.taskCount || 1,
      parallelism: t.parallelism ?? 0,
      template: {
        ...tt,
        containers: (tt.containers ?? []).map((c) => ({
          ...c,
          resources: {
            ...(c.resources ?? {}),
            limits: { cpu: "1000m", memory: "512Mi", ...(c.resources?.limits ?? {}) },
          },
        })),
        maxRetries: tt.maxRetries ?? 3,
        timeout:
          durationMs(tt.timeout as never) > 0
            ? tt.timeout
            : { seconds: String(DEFAULT_TASK_TIMEOUT_MS / 1000), nanos: 0 },
        serviceAccount: tt.serviceAccount || `${projectNumber(project)}-compute@developer.gserviceaccount.com`,
      },
    },
  };
}

/** User-settable fields of a job (what Create/Update take). */
export const USER_FIELDS = [
  "labels",
  "annotations",
  "client",
  "clientVersion",
  "launchStage",
  "binaryAuthorization",
  "template",
] as const;
export const userFields = (job: Job): Job => {
  const out: Record<string, unknown> = { name: job.name };
  for (const f of USER_FIELDS) if (job[f] !== undefined && job[f] !== null) out[f] = job[f];
  return out as Job;
};

export function cond(
  type: string,
  state: ConditionState,
  now: Date,
  extra: Partial<Condition> & { executionReason?: string } = {},
): Condition {
  return { type, state, lastTransitionTime: toTimestamp(now), ...extra };
}

export const jobReady = (now: Date) => ({
  terminalCondition: cond("Ready", "CONDITION_SUCCEEDED", now),
  conditions: [] as Condition[],
});

export type Overrides = {
  containerOverrides?: { name?: string; args?: string[]; env?: EnvVar[]; clearArgs?: boolean }[];
  taskCount?: number;
  timeout?: Duration;
};

/** The Execution a run of `job` starts, with RunJob's overrides applied. */
export function buildExecution(
  job: Job,
  executionId: string,
  overrides: Overrides | undefined,
  now: Date,
  actor: string,
): Execution {
  const t = job.template!;
  const tt = t.template!;
  const containers = (tt.containers ?? []).map((c) => ({ ...c }));
  const v: Violations = [];
  (overrides?.containerOverrides ?? []).forEach((o, i) => {
    const target = o.name ? containers.find((c) => c.name === o.name) : containers[0];
    if (!target) return void v.push(`overrides.container_overrides[${i}].name: no container named "${o.name}"`);
    if (o.clearArgs) target.args = [];
    else if (o.args?.length) target.args = o.args;
    if (o.env?.length) {
      const env = new Map((target.env ?? []).map((e) => [e.name, e]));
      for (const e of o.env) {
        if (JOB_ENV.includes(e.name)) v.push(`overrides.container_overrides[${i}].env: ${e.name} is reserved`);
        env.set(e.name, e);
      }
      target.env = [...env.values()];
    }
  });
  const taskCount = overrides?.taskCount || t.taskCount || 1;
  if (taskCount < 0 || taskCount > 10_000) v.push("overrides.task_count: must be between 1 and 10000");
  const timeout = durationMs(overrides?.timeout as never) > 0 ? overrides!.timeout! : tt.timeout!;
  if (v.length) throw invalid(`Invalid overrides: ${v.join("; ")}`);
  const { project, location, jobId } = parseJobName(job.name);
  const name = `${job.name}/executions/${executionId}`;
  return {
    name,
    uid: newUid(),
    creator: actor,
    generation: "1",
    labels: {
      ...(t.labels ?? {}),
      "run.googleapis.com/jobUid": job.uid ?? "",
      "run.googleapis.com/jobGeneration": String(job.generation ?? "1"),
    },
    annotations: { ...(t.annotations ?? {}) },
    createTime: toTimestamp(now),
    updateTime: toTimestamp(now),
    launchStage: job.launchStage ?? "GA",
    job: jobId,
    parallelism: Math.min(t.parallelism || taskCount, taskCount),
    taskCount,
    template: { ...tt, containers, timeout },
    reconciling: true,
    conditions: [
      cond("Completed", "CONDITION_PENDING", now),
      cond("ResourcesAvailable", "CONDITION_PENDING", now),
      cond("Started", "CONDITION_PENDING", now),
    ],
    observedGeneration: "1",
    runningCount: 0,
    succeededCount: 0,
    failedCount: 0,
    cancelledCount: 0,
    retriedCount: 0,
    logUri: `https://console.cloud.google.com/logs/viewer?project=${project}&advancedFilter=resource.type%3D%22cloud_run_job%22%0Aresource.labels.job_name%3D%22${jobId}%22%0Aresource.labels.location%3D%22${location}%22%0Alabels.%22run.googleapis.com/execution_name%22%3D%22${executionId}%22`,
    etag: newEtag(),
  };
}

export function buildTask(execution: Execution, index: number, now: Date): Task {
  const executionId = execution.name.split("/").pop()!;
  return {
    name: `${execution.name}/tasks/${executionId}-task${index}`,
    uid: newUid(),
    generation: "1",
    labels: { ...execution.labels, "run.googleapis.com/taskIndex": String(index) },
    createTime: toTimestamp(now),
    updateTime: toTimestamp(now),
    job: execution.job,
    execution: executionId,
    containers: execution.template.containers ?? [],
    maxRetries: execution.template.maxRetries ?? 3,
    timeout: execution.template.timeout ?? { seconds: "600" },
    serviceAccount: execution.template.serviceAccount ?? "",
    reconciling: true,
    conditions: [cond("Completed", "CONDITION_PENDING", now), cond("Started", "CONDITION_PENDING", now)],
    observedGeneration: "1",
    index,
    retried: 0,
    logUri: execution.logUri,
    etag: newEtag(),
  };
}

export { newEtag, toTimestamp };
