// The shared path of every service write: claim the operation (idempotency),
// check the etag the page read, send the update, record the Google operation
// and hand it to the follower. Deploy and the traffic changes differ only in
// the Service they send.
import type { protos } from "@google-cloud/run";
import type { ActionContext, ActionOutput } from "../actions";
import { Conflict } from "../errors";
import { GRPC, grpcCode, upstreamError } from "../gcp/errors";
import { startOperation, type StartedOperation } from "../operations";
import type { ServiceDeps } from "./deps";
import { toServiceView, ANNOTATIONS, type ServiceView } from "./model";
import { serviceName, type ServiceRef } from "./names";
import { invalidateFleet } from "./read";
import { SERVICE_STEPS, type ServiceOperationKind } from "./steps";

type Service = protos.google.cloud.run.v2.IService;
type TrafficTarget = protos.google.cloud.run.v2.ITrafficTarget;

export type WriteResult = StartedOperation;

export type WriteSpec = {
  kind: ServiceOperationKind;
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
  ctx: ActionContext,
  deps: ServiceDeps,
  input: ServiceRef & { etag: string; idempotencyKey: string },
  spec: WriteSpec,
): Promise<ActionOutput<WriteResult>> {
  const name = serviceName(input);
  const started = await startOperation(
    ctx,
    { kind: spec.kind, target: name, idempotencyKey: input.idempotencyKey, steps: SERVICE_STEPS[spec.kind], system: "Cloud Run", enqueueFollow: deps.enqueueFollow },
    async () => {
      const [current] = await deps.clients.services.getService({ name }, { timeout: 15_000 }).catch((err) => { throw upstreamError(err, "Cloud Run", `reading ${input.service}`); });
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
          throw upstreamError(err, "Cloud Run", `${spec.verb} ${input.service}`);
        });
      const before = snapshot(view);
      return { googleName: lro.name ?? "", revision, plan: before, details: { revision, before, after: summary } };
    },
  );
  if (!started.data.duplicate) invalidateFleet(input.project);
  return started;
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
