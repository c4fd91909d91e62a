// The shared path of every service write: claim the operation (idempotency),
// check the etag the page read, send the update, record the Google operation
// and hand it to the follower. Deploy and the traffic changes differ only in
// the Service they send.
import type { protos } from "@google-cloud/run";
import type { ActionContext, ActionOutput } from "../actions";
import { AppError, Conflict } from "../errors";
import { log } from "../log";
import { GRPC, grpcCode, upstreamError } from "../gcp/errors";
import { claimOperation, updateOperation } from "../operations/record";
import { fail, initialSteps, type OperationKind } from "../operations/steps";
import type { ServiceDeps } from "./deps";
import { toServiceView, ANNOTATIONS, type ServiceView } from "./model";
import { serviceName, type ServiceRef } from "./names";
import { invalidateFleet } from "./read";

type Service = protos.google.cloud.run.v2.IService;
type TrafficTarget = protos.google.cloud.run.v2.ITrafficTarget;

export type WriteResult = { operationId: string; revision: string | null; duplicate: boolean };

export type WriteSpec = {
  kind: OperationKind;
  verb: string;
  /** Builds the Service to send from the current one; may throw typed errors. */
  build(current: Service, view: ServiceView): { service: Service; updateMask?: string[]; revision?: string; summary: unknown };
};

export function snapshot(view: ServiceView) {
  return { image: view.image, traffic: view.traffic.map((t) => ({ revision: t.revision, percent: t.percent, tag: t.tag, latest: t.latest })), generation: view.generation };
}

/** What someone else changed, in words, when the etag no longer matches. */
function describeChange(view: ServiceView): string {
  const traffic = view.traffic.filter((t) => t.percent > 0).map((t) => `${t.revision} ${t.percent}%`).join(", ");
  const who = view.lastDeployedBy ? ` by ${view.lastDeployedBy}` : "";
  const when = view.updatedAt ? ` at ${view.updatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
  return `${view.id} was changed${who}${when} after you opened it. It now runs ${view.imageTag} with traffic ${traffic || "none"}. Nothing was changed; reload to see the new state and try again.`;
}

export async function writeService(
  { actor, db }: ActionContext,
  deps: ServiceDeps,
  input: ServiceRef & { etag: string; idempotencyKey: string },
  spec: WriteSpec,
): Promise<ActionOutput<WriteResult>> {
  const name = serviceName(input);
  const claim = await claimOperation(db, { idempotencyKey: input.idempotencyKey, kind: spec.kind, service: name, actorEmail: actor.email });
  if (!claim.created) {
    return { data: { operationId: claim.operation.id, revision: claim.operation.revision, duplicate: true }, message: "Already submitted: showing the first request's progress.", details: { duplicateOf: claim.operation.id, operation: claim.operation.googleName } };
  }
  const opId = claim.operation.id;
  let sent: { lro: string; revision?: string; before: unknown; summary: unknown };
  try {
    const [current] = await deps.clients.services.getService({ name }, { timeout: 15_000 }).catch((err) => { throw upstreamError(err, `reading ${input.service}`); });
    const view = toServiceView(current);
    if (current.etag !== input.etag) throw new Conflict(describeChange(view), { current: snapshot(view) });
    const { service, updateMask, revision, summary } = spec.build(current, view);
    service.etag = input.etag;
    const [lro] = await deps.clients.services
      .updateService({ service, ...(updateMask ? { updateMask: { paths: updateMask } } : {}) }, { timeout: 30_000 })
      .catch(async (err) => {
        if (grpcCode(err) === GRPC.ABORTED) {
          const [now] = await deps.clients.services.getService({ name });
          throw new Conflict(describeChange(toServiceView(now)), { current: snapshot(toServiceView(now)) });
        }
        throw upstreamError(err, `${spec.verb} ${input.service}`);
      });
    sent = { lro: lro.name ?? "", revision, before: snapshot(view), summary };
  } catch (err) {
    // The row is shown to people: only typed errors say more than "failed".
    const message = err instanceof AppError ? err.message : "Failed before reaching Cloud Run; the server log has the details.";
    await updateOperation(db, opId, { status: "failed", error: message, steps: fail(initialSteps(spec.kind), message) });
    throw err;
  }
  // Cloud Run has the change now: from here on the operation is followed, never failed by us.
  await updateOperation(db, opId, { googleName: sent.lro, revision: sent.revision, before: sent.before });
  invalidateFleet(input.project);
  await deps.enqueueFollow(opId).catch((err) => log.error("could not enqueue the follower; it resumes at the next start", { operation: opId, error: String(err) }));
  return {
    data: { operationId: opId, revision: sent.revision ?? null, duplicate: false },
    details: { operation: sent.lro, runwayOperation: opId, revision: sent.revision, before: sent.before, after: sent.summary },
  };
}

// ── traffic helpers shared by deploy, shift, rollback and "all to latest" ──

export const LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST" as const;
export const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" as const;

/** Tag-only routes (0%) that should survive a traffic change, minus `except` tags. */
export function keptTags(view: ServiceView, except: (string | null | undefined)[] = []): TrafficTarget[] {
  return view.traffic
    .filter((t) => t.tag && !except.includes(t.tag))
    .map((t) => ({ type: REVISION, revision: t.revision, percent: 0, tag: t.tag! }));
}

/** Service annotations stamped with when traffic left "100% to latest". */
export function stampTraffic(current: Service, traffic: TrafficTarget[], now = new Date()): Record<string, string> {
  const annotations = { ...(current.annotations ?? {}) };
  const allLatest = traffic.every((t) => (t.percent ?? 0) === 0 || (t.type === LATEST && t.percent === 100));
  if (allLatest) delete annotations[ANNOTATIONS.trafficChangedAt];
  else annotations[ANNOTATIONS.trafficChangedAt] = now.toISOString();
  return annotations;
}
