// google.cloud.run.v2.Revisions: Get, List (one service or `services/-`),
// Delete (refused while the revision is routed to).
import { inTransaction } from "../../db";
import { aborted, failedPrecondition, invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import type { Handler } from "../../grpc/server";
import { toProto } from "../longrunning/operations";
import type { StoredOperation } from "../longrunning/store";
import type { RunContext } from "./context";
import { newEtag, operationName, parseRevisionName, serviceName, toTimestamp } from "./names";
import { canonicalRevision } from "./resources";
import { servingRevisions } from "./traffic";

type ListReq = { parent: string; pageSize?: number; pageToken?: string; showDeleted?: boolean };
type DeleteReq = { name: string; validateOnly?: boolean; etag?: string };

const REVISION_TYPE = "google.cloud.run.v2.Revision" as const;

export function revisionsHandlers(ctx: RunContext): Record<string, Handler> {
  const present = (_t: string, r: object) => r;

  return {
    async GetRevision(req: { name: string }) {
      const { name, revision } = parseRevisionName(await ctx.projects.canonical(req.name));
      const found = await ctx.store.getRevision(name);
      if (!found) throw notFound(`Revision '${revision}' does not exist.`);
      return found;
    },

    async ListRevisions(req: ListReq) {
      const m = /^projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)$/.exec(
        await ctx.projects.canonical(req.parent ?? ""),
      );
      if (!m)
        throw invalid(
          `Invalid parent "${req.parent ?? ""}": expected projects/{project}/locations/{location}/services/{service or -}`,
        );
      const [, project, location, service] = m;
      const parent = service === "-" ? null : serviceName(project, location, service);
      if (parent && location === "-")
        throw invalid("A location is required when listing the revisions of one service.");
      if (parent && !(await ctx.store.getService(parent)))
        throw notFound(`Resource '${service}' of kind 'SERVICE' does not exist.`);
      const page = readPage(req.pageSize, req.pageToken);
      const rows = await ctx.store.listRevisions(project, location, parent, page, Boolean(req.showDeleted));
      const { items, nextPageToken } = pageOf(rows, page);
      return { revisions: items, nextPageToken };
    },

    async DeleteRevision(req: DeleteReq) {
      const {
        name,
        revision,
        serviceName: parent,
        project,
        location,
      } = parseRevisionName(await ctx.projects.canonical(req.name));
      return ctx.locks.run(parent, async () => {
        const found = await ctx.store.getRevision(name);
        if (!found) throw notFound(`Revision '${revision}' does not exist.`);
        if (req.etag && req.etag !== found.etag)
          throw aborted(`The etag "${req.etag}" does not match the current etag of revision ${revision}.`);
        const service = (await ctx.store.getService(parent))?.service;
        if (service) {
          const referenced = (service.traffic ?? []).some((t) => t.revision === revision);
          if (referenced || servingRevisions(service).has(revision)) {
            throw failedPrecondition(
              `Revision '${revision}' is receiving traffic (or has a traffic tag) and cannot be deleted. Move its traffic to another revision first.`,
            );
          }
          if (service.latestCreatedRevision === name) {
            throw failedPrecondition(
              `Revision '${revision}' is the latest created revision of service '${service.name}' and cannot be deleted.`,
            );
          }
        }
        const deleted = canonicalRevision(ctx.codec, {
          ...found,
          deleteTime: toTimestamp(new Date()),
          etag: newEtag(),
        });
        const op: StoredOperation = {
          name: operationName(project, location),
          done: Boolean(req.validateOnly),
          typeName: REVISION_TYPE,
          metadata: deleted,
          response: req.validateOnly ? deleted : null,
          error: null,
          kind: "DeleteRevision",
          target: name,
          generation: null,
          revision: name,
        };
        if (req.validateOnly) return toProto(op, ctx.codec, present);
        await inTransaction(ctx.store.db, async (q) => {
          await ctx.store.updateRevision(q, deleted, true);
          await ctx.ops.insert(q, op);
        });
        ctx.log.info("DeleteRevision accepted", { revision: name, operation: op.name });
        ctx.schedule(op);
        return toProto(op, ctx.codec, present);
      });
    },
  };
}
