// google.cloud.run.v2.Services: Create/Get/List/Update/Delete. Mutations
// persist the desired state and an unfinished Operation in one transaction
// and return at once; the reconciler finishes the work in the background.
import { inTransaction } from "../../db";
import { aborted, alreadyExists, invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import type { Handler } from "../../grpc/server";
import { toProto } from "../longrunning/operations";
import type { StoredOperation } from "../longrunning/store";
import { serviceReconciling } from "./conditions";
import { actorOf, type RunContext } from "./context";
import { serviceDefaults } from "./defaults";
import {
  newEtag,
  newRevisionId,
  newUid,
  operationName,
  parseParent,
  parseServiceName,
  revisionName,
  serviceName,
  shortName,
  toTimestamp,
} from "./names";
import { applyUpdateMask, buildRevision, canonicalService, sameTemplate, USER_FIELDS, userFields } from "./resources";
import { longHost, shortHost, withUrls } from "./traffic";
import type { Service } from "./types";
import { serviceIdProblem, validateService, validateTraffic } from "./validate";

type CreateReq = { parent: string; service?: Service; serviceId: string; validateOnly?: boolean };
type UpdateReq = {
  service?: Service;
  updateMask?: { paths?: string[] };
  validateOnly?: boolean;
  allowMissing?: boolean;
};
type DeleteReq = { name: string; validateOnly?: boolean; etag?: string };
type ListReq = { parent: string; pageSize?: number; pageToken?: string; showDeleted?: boolean };

const SERVICE_TYPE = "google.cloud.run.v2.Service" as const;

export function presentService(ctx: RunContext, s: Service): Service {
  return withUrls(s, ctx.routerPort(), (host) => ctx.runtime.router.local.urlOf(host));
}

/** An Operation that is already finished and was never stored (validate_only). */
function finishedOp(ctx: RunContext, project: string, location: string, service: Service) {
  const op: StoredOperation = {
    name: operationName(project, location),
    done: true,
    typeName: SERVICE_TYPE,
    metadata: service,
    response: service,
    error: null,
    kind: "UpdateService",
    target: service.name,
    generation: null,
    revision: null,
  };
  return toProto(op, ctx.codec, (_t, r) => presentService(ctx, r as Service));
}

function checkEtag(given: string | undefined, current: string | undefined, what: string) {
  if (given && given !== current) {
    throw aborted(
      `The etag "${given}" does not match the current etag of ${what}; it was changed by someone else. Read it again and retry.`,
    );
  }
}

/**
 * Plans a write of the desired spec over `previous` (null on create): the
 * new Service (reconciling) and, when the template changed, its Revision.
 */
async function plan(ctx: RunContext, name: string, input: Partial<Service>, previous: Service | null, actor: string) {
  const { project, service: serviceId } = parseServiceName(name);
  validateService(input as Service, serviceId);
  const desired = serviceDefaults(input as Service, project);
  const known = new Set((previous ? await ctx.store.revisionsOf(name) : []).map((r) => shortName(r.name)));
  const templateChanged = !previous || !sameTemplate(ctx.codec, desired.template, previous.template);
  const generation = previous ? Number(previous.generation ?? 0) + 1 : 1;
  let revisionId: string | undefined;
  if (templateChanged) {
    revisionId = desired.template?.revision || newRevisionId(serviceId, generation);
    if (known.has(revisionId))
      throw alreadyExists(`Revision named '${revisionId}' with different configuration already exists.`);
  }
  validateTraffic(desired.traffic ?? [], serviceId, known, revisionId);
  const now = new Date();
  const base: Service = previous
    ? { ...previous }
    : { name, uid: newUid(), createTime: toTimestamp(now), creator: actor };
  // The user fields come from `desired` alone: a field left out is cleared.
  for (const f of USER_FIELDS) delete base[f];
  const service = canonicalService(ctx.codec, {
    ...base,
    ...desired,
    generation: String(generation),
    updateTime: toTimestamp(now),
    lastModifier: actor,
    etag: newEtag(),
    reconciling: true,
    ...serviceReconciling(now),
    latestCreatedRevision: revisionId ? revisionName(name, revisionId) : previous?.latestCreatedRevision,
  });
  const revision = revisionId ? buildRevision(service, revisionId, now, actor) : null;
  return { service, revision, generation };
}

async function persist(
  ctx: RunContext,
  kind: "CreateService" | "UpdateService",
  planned: Awaited<ReturnType<typeof plan>>,
  isNew: boolean,
) {
  const { service, revision, generation } = planned;
  const { project, location, service: serviceId } = parseServiceName(service.name);
  const op: StoredOperation = {
    name: operationName(project, location),
    done: false,
    typeName: SERVICE_TYPE,
    metadata: service,
    response: null,
    error: null,
    kind,
    target: service.name,
    generation,
    revision: revision?.name ?? null,
  };
  await inTransaction(ctx.store.db, async (q) => {
    if (isNew) {
      // Emulator choice: the first service of a name in a region gets the short host.
      const host = (await ctx.store.hostTaken(shortHost(serviceId, location), q))
        ? longHost(serviceId, project, location)
        : shortHost(serviceId, location);
      await ctx.store.insertService(q, service, host);
    } else await ctx.store.updateService(q, service);
    if (revision) await ctx.store.insertRevision(q, revision);
    await ctx.ops.insert(q, op);
  });
  ctx.log.info(`${kind} accepted`, {
    service: service.name,
    generation,
    revision: revision ? shortName(revision.name) : null,
    operation: op.name,
  });
  ctx.schedule(op);
  return toProto(op, ctx.codec, (_t, r) => presentService(ctx, r as Service));
}

export function servicesHandlers(ctx: RunContext): Record<string, Handler> {
  const create = async (name: string, input: Partial<Service>, validateOnly: boolean, actor: string) => {
    const { project, location } = parseServiceName(name);
    if (await ctx.store.getService(name)) throw alreadyExists(`Resource '${shortName(name)}' already exists.`);
    const planned = await plan(ctx, name, input, null, actor);
    if (validateOnly) return finishedOp(ctx, project, location, planned.service);
    return persist(ctx, "CreateService", planned, true);
  };

  return {
    async CreateService(req: CreateReq, call) {
      const { project, location } = parseParent(await ctx.projects.canonical(req.parent));
      if (location === "-") throw invalid("The location '-' is not allowed when creating a service; name a region.");
      const problem = serviceIdProblem(req.serviceId ?? "");
      if (problem) throw invalid(problem);
      if (!req.service) throw invalid("service is required");
      const name = serviceName(project, location, req.serviceId);
      return ctx.locks.run(name, () =>
        create(name, userFields(req.service!), Boolean(req.validateOnly), actorOf(call)),
      );
    },

    async GetService(req: { name: string }) {
      const { name, service, location, project } = parseServiceName(await ctx.projects.canonical(req.name));
      const stored = await ctx.store.getService(name);
      if (!stored)
        throw notFound(
          `Resource '${service}' of kind 'SERVICE' in region '${location}' in project '${project}' does not exist.`,
        );
      return presentService(ctx, stored.service);
    },

    async ListServices(req: ListReq) {
      const { project, location } = parseParent(await ctx.projects.canonical(req.parent));
      if (location === "-")
        throw invalid("Listing services across all locations ('-') is not supported; name a region.");
      const page = readPage(req.pageSize, req.pageToken);
      const rows = await ctx.store.listServices(project, location, page, Boolean(req.showDeleted));
      const { items, nextPageToken } = pageOf(rows, page);
      return { services: items.map((s) => presentService(ctx, s.service)), nextPageToken, unreachable: [] };
    },

    async UpdateService(req: UpdateReq, call) {
      if (!req.service) throw invalid("service is required");
      const { name, service: serviceId } = parseServiceName(await ctx.projects.canonical(req.service.name));
      const actor = actorOf(call);
      return ctx.locks.run(name, async () => {
        const stored = await ctx.store.getService(name);
        if (!stored) {
          if (!req.allowMissing)
            throw notFound(`Resource '${serviceId}' of kind 'SERVICE' does not exist; set allow_missing to create it.`);
          const problem = serviceIdProblem(serviceId);
          if (problem) throw invalid(problem);
          return create(name, userFields(req.service!), Boolean(req.validateOnly), actor);
        }
        checkEtag(req.service!.etag, stored.service.etag, `service ${serviceId}`);
        const input = applyUpdateMask(stored.service, req.service!, req.updateMask);
        const planned = await plan(ctx, name, input, stored.service, actor);
        const { project, location } = parseServiceName(name);
        if (req.validateOnly) return finishedOp(ctx, project, location, planned.service);
        // A newer template replaces one that is still deploying.
        const previous = stored.service.latestCreatedRevision;
        if (planned.revision && previous) ctx.supersede(previous);
        return persist(ctx, "UpdateService", planned, false);
      });
    },

    async DeleteService(req: DeleteReq) {
      const { name, project, location, service: serviceId } = parseServiceName(await ctx.projects.canonical(req.name));
      return ctx.locks.run(name, async () => {
        const stored = await ctx.store.getService(name);
        if (!stored) throw notFound(`Resource '${serviceId}' of kind 'SERVICE' does not exist.`);
        checkEtag(req.etag, stored.service.etag, `service ${serviceId}`);
        const now = new Date();
        const deleted = canonicalService(ctx.codec, {
          ...stored.service,
          deleteTime: toTimestamp(now),
          etag: newEtag(),
          reconciling: true,
        });
        if (req.validateOnly) return finishedOp(ctx, project, location, deleted);
        const op: StoredOperation = {
          name: operationName(project, location),
          done: false,
          typeName: SERVICE_TYPE,
          metadata: deleted,
          response: null,
          error: null,
          kind: "DeleteService",
          target: name,
          generation: null,
          revision: null,
        };
        await inTransaction(ctx.store.db, async (q) => {
          await ctx.store.updateService(q, { ...deleted, reconciling: false }, true);
          await ctx.store.markRevisionsOfServiceDeleted(q, name);
          await ctx.policies.delete(q, name);
          await ctx.ops.insert(q, op);
        });
        ctx.log.info("DeleteService accepted", { service: name, operation: op.name });
        // A deploy still probing would only delay the deletion.
        if (stored.service.latestCreatedRevision) ctx.supersede(stored.service.latestCreatedRevision);
        ctx.schedule(op);
        return toProto(op, ctx.codec, (_t, r) => presentService(ctx, r as Service));
      });
    },
  };
}
