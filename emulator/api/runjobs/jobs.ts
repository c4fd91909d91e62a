// google.cloud.run.v2.Jobs: Create/Get/List/Update/Delete answer with an
// operation that is already done (the job is stored at once); RunJob creates
// an Execution and its Tasks, hands them to the executor and answers with an
// operation that finishes when the execution does, as on Cloud Run.
import { inTransaction } from "../../db";
import { aborted, alreadyExists, failedPrecondition, invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import type { Codec } from "../../grpc/protos";
import type { Handler } from "../../grpc/server";
import type { Logger } from "../../log";
import type { Runtime } from "../../runtime";
import { toProto } from "../longrunning/operations";
import type { OperationStore, OperationKind, StoredOperation } from "../longrunning/store";
import type { Projects } from "../projects";
import { iamHandlers, RUN_JOB_PERMISSIONS, type PolicyStore } from "../iam";
import { actorOf } from "../run/context";
import { newUid, operationName, parseParent } from "../run/names";
import type { JobExecutor } from "./executor";
import {
  buildExecution,
  buildTask,
  jobDefaults,
  jobIdProblem,
  jobName,
  jobReady,
  newEtag,
  newExecutionId,
  parseJobName,
  toTimestamp,
  USER_FIELDS,
  userFields,
  validateJob,
  type Execution,
  type Job,
  type Overrides,
} from "./resources";
import type { RunJobStore } from "./store";

export type JobsDeps = {
  store: RunJobStore;
  ops: OperationStore;
  projects: Projects;
  policies: PolicyStore;
  codec: Codec;
  executor: JobExecutor;
  runtime: Runtime;
  log: Logger;
};

const JOB = "google.cloud.run.v2.Job" as const;
const EXECUTION = "google.cloud.run.v2.Execution" as const;
const same = (_t: string, r: object) => r;

/** The job as the client will read it: through the proto, so unknown fields drop and defaults show. */
export const canonicalJob = (codec: Codec, job: Job): Job => codec.decode(JOB, codec.encode(JOB, job)) as Job;
export const canonicalExecution = (codec: Codec, e: Execution): Execution =>
  codec.decode(EXECUTION, codec.encode(EXECUTION, e)) as unknown as Execution;

export function jobsHandlers(d: JobsDeps): Record<string, Handler> {
  const doneOp = (kind: OperationKind, job: Job, _validateOnly: boolean): StoredOperation => {
    const { project, location } = parseJobName(job.name);
    return {
      name: operationName(project, location),
      done: true,
      typeName: JOB,
      metadata: job,
      response: job,
      error: null,
      kind,
      target: job.name,
      generation: null,
      revision: null,
    };
  };
  const respond = async (op: StoredOperation, validateOnly: boolean) => {
    if (!validateOnly) await d.ops.insert(d.store.db, op);
    return toProto(op, d.codec, same);
  };
  const existing = async (name: string) => {
    const n = parseJobName(await d.projects.canonical(name));
    const job = await d.store.getJob(n.name);
    if (!job)
      throw notFound(
        `Resource '${n.jobId}' of kind 'JOB' in region '${n.location}' in project '${n.project}' does not exist.`,
      );
    return { n, job };
  };
  const checkEtag = (given: string | undefined, job: Job) => {
    if (given && given !== job.etag)
      throw aborted(`The etag "${given}" does not match the current etag of job ${job.name}; read it again and retry.`);
  };
  const build = (input: Job, previous: Job | null, actor: string): Job => {
    const { project, jobId } = parseJobName(input.name);
    const problem = jobIdProblem(jobId);
    if (problem) throw invalid(problem);
    validateJob(input);
    for (const c of input.template?.template?.containers ?? []) {
      if (c.image && !d.runtime.images.resolve(c.image)) throw invalid(`Image '${c.image}' not found.`);
    }
    const now = new Date();
    const generation = previous ? Number(previous.generation ?? 1) + 1 : 1;
    const base: Job = previous
      ? { ...previous }
      : { name: input.name, uid: newUid(), createTime: toTimestamp(now), creator: actor, executionCount: 0 };
    // UpdateJob replaces the whole job: a user field left out is cleared.
    for (const f of USER_FIELDS) delete base[f];
    return canonicalJob(d.codec, {
      ...base,
      ...jobDefaults(userFields(input), project),
      generation: String(generation),
      observedGeneration: String(generation),
      updateTime: toTimestamp(now),
      lastModifier: actor,
      reconciling: false,
      ...jobReady(now),
      etag: newEtag(),
    });
  };

  return {
    ...iamHandlers(d.policies, async (resource) => ({
      key: (await existing(resource)).n.name,
      permissions: RUN_JOB_PERMISSIONS,
    })),

    async CreateJob(req: { parent?: string; jobId?: string; job?: Job; validateOnly?: boolean }, call) {
      const { project, location } = parseParent(await d.projects.canonical(req.parent ?? ""));
      if (!req.job) throw invalid("job is required");
      const name = jobName(project, location, req.jobId ?? "");
      const problem = jobIdProblem(req.jobId ?? "");
      if (problem) throw invalid(problem);
      if (await d.store.getJob(name)) throw alreadyExists(`Resource '${req.jobId}' already exists.`);
      const job = build({ ...req.job, name }, null, actorOf(call));
      if (!req.validateOnly) {
        try {
          await d.store.insertJob(d.store.db, job);
        } catch (err) {
          if ((err as { code?: string }).code === "23505")
            throw alreadyExists(`Resource '${req.jobId}' already exists.`);
          throw err;
        }
        d.log.info("CreateJob", { job: name });
      }
      return respond(doneOp("CreateJob", job, Boolean(req.validateOnly)), Boolean(req.validateOnly));
    },

    async GetJob(req: { name?: string }) {
      return (await existing(req.name ?? "")).job;
    },

    async ListJobs(req: { parent?: string; pageSize?: number; pageToken?: string }) {
      const { project, location } = parseParent(await d.projects.canonical(req.parent ?? ""));
      const page = readPage(req.pageSize, req.pageToken);
      const { items, nextPageToken } = pageOf(
        await d.store.listJobs(project, location, page.offset, page.limit + 1),
        page,
      );
      return { jobs: items, nextPageToken };
    },

    async UpdateJob(req: { job?: Job; validateOnly?: boolean; allowMissing?: boolean }, call) {
      if (!req.job) throw invalid("job is required");
      const n = parseJobName(await d.projects.canonical(req.job.name));
      const previous = await d.store.getJob(n.name);
      if (!previous && !req.allowMissing)
        throw notFound(`Resource '${n.jobId}' of kind 'JOB' does not exist; set allow_missing to create it.`);
      if (previous) checkEtag(req.job.etag, previous);
      const job = build({ ...req.job, name: n.name }, previous, actorOf(call));
      if (!req.validateOnly) {
        if (previous) await d.store.putJob(d.store.db, job);
        else await d.store.insertJob(d.store.db, job);
      }
      return respond(
        doneOp(previous ? "UpdateJob" : "CreateJob", job, Boolean(req.validateOnly)),
        Boolean(req.validateOnly),
      );
    },

    async DeleteJob(req: { name?: string; validateOnly?: boolean; etag?: string }) {
      const { n, job } = await existing(req.name ?? "");
      checkEtag(req.etag, job);
      const deleted = canonicalJob(d.codec, { ...job, deleteTime: toTimestamp(new Date()), etag: newEtag() });
      if (!req.validateOnly) {
        // Running executions stop with their job.
        for (const e of await d.store.listExecutions(n.name, 0, 100_000)) d.executor.cancel(e.name);
        await d.store.deleteJob(d.store.db, n.name);
        await d.policies.delete(d.store.db, n.name);
        d.log.info("DeleteJob", { job: n.name });
      }
      return respond(doneOp("DeleteJob", deleted, Boolean(req.validateOnly)), Boolean(req.validateOnly));
    },

    async RunJob(req: { name?: string; validateOnly?: boolean; etag?: string; overrides?: Overrides }, call) {
      const { n, job } = await existing(req.name ?? "");
      checkEtag(req.etag, job);
      if (job.terminalCondition?.state !== "CONDITION_SUCCEEDED")
        throw failedPrecondition(`Job '${n.jobId}' is not ready and cannot be run.`);
      const now = new Date();
      const execution = canonicalExecution(
        d.codec,
        buildExecution(job, newExecutionId(n.jobId), req.overrides, now, actorOf(call)),
      );
      const tasks = Array.from({ length: execution.taskCount }, (_, i) => buildTask(execution, i, now));
      const op: StoredOperation = {
        name: operationName(n.project, n.location),
        done: Boolean(req.validateOnly),
        typeName: EXECUTION,
        metadata: execution,
        response: req.validateOnly ? execution : null,
        error: null,
        kind: "RunJob",
        target: execution.name,
        generation: null,
        revision: null,
      };
      if (req.validateOnly) return toProto(op, d.codec, same);
      await inTransaction(d.store.db, async (q) => {
        const fresh = (await d.store.getJob(n.name, q))!;
        await d.store.putJob(q, {
          ...fresh,
          executionCount: (fresh.executionCount ?? 0) + 1,
          latestCreatedExecution: {
            name: execution.name,
            createTime: execution.createTime,
            completionStatus: "EXECUTION_RUNNING",
          },
        });
        await d.store.insertExecution(q, execution, tasks);
        await d.ops.insert(q, op);
      });
      d.log.info("RunJob", { job: n.name, execution: execution.name, tasks: execution.taskCount });
      d.executor.start(execution, tasks);
      return toProto(op, d.codec, same);
    },
  };
}
