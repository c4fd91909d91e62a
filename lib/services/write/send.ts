// The only place the portal writes a Cloud Run service (test/architecture.test.ts
// keeps createService, updateService and deleteService out of every other file).
// Only updates exist today: a create or delete (promotion, clean-up) joins them
// here, under the same policy, with its permission in deploy/permissions.json.
// One policy for a concurrent change:
// - an update carries the etag its change was derived from: the
//   page's (an action), or the one the follower read and decided on;
// - Cloud Run refusing that etag as stale (ABORTED) is never retried here and
//   never sent again without it: the service is read once more and
//   ServiceChanged says who changed it, when, and what it runs now. An action
//   shows that to the person with nothing changed; the release follower pauses
//   and records it; a rotation looks again, deriving its next change from the
//   service as it is then;
// - `resend`: a change sent again after a restart, whose named revision exists
//   already, counts as sent.
// Any other error is the caller's to word (upstreamError) or to retry.
import type { protos, ServicesClient } from "@google-cloud/run";
import { Conflict } from "../../errors";
import { GRPC, grpcCode } from "../../gcp/errors";
import { shortName } from "../names";
import { toServiceView, type ServiceView } from "../model";

type Service = protos.google.cloud.run.v2.IService;

const CALL = { timeout: 30_000 };
const READ = { timeout: 15_000 };

/** What a service runs, as audit rows and conflicts report it. */
export function snapshot(view: ServiceView) {
  return {
    image: view.image,
    traffic: view.traffic.map((t) => ({ revision: t.revision, percent: t.percent, tag: t.tag, latest: t.latest })),
    generation: view.generation,
  };
}

/** What someone else changed, in words, when the etag no longer matches. */
function describeChange(view: ServiceView): string {
  const traffic = view.traffic
    .filter((t) => t.percent > 0)
    .map((t) => `${t.revision} ${t.percent}%`)
    .join(", ");
  const who = view.lastDeployedBy ? ` by ${view.lastDeployedBy}` : "";
  const when = view.updatedAt ? ` at ${view.updatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
  return `${view.id} was changed${who}${when} after you opened it. It now runs ${view.imageTag} with traffic ${traffic || "none"}. Nothing was changed; reload to see the new state and try again.`;
}

/** The service is no longer at the etag a change was derived from; `current` is how it is now. */
export class ServiceChanged extends Conflict {
  constructor(public readonly current: Service) {
    const view = toServiceView(current);
    super(describeChange(view), { current: snapshot(view) });
  }
}

/** The service as it is, or ServiceChanged when it has moved on from `etag` (the one the person saw). */
export async function readForWrite(services: ServicesClient, name: string, etag: string): Promise<Service> {
  const [current] = await services.getService({ name }, READ);
  if (current.etag !== etag) throw new ServiceChanged(current);
  return current;
}

export type ServiceWrite = { update: Service & { name: string; etag: string }; updateMask?: string[] };

/** Cloud Run's long-running operation: its name for the follower, or null when a resend found it done. */
export type SentWrite = { name: string; operation: { promise(): Promise<unknown> } | null };

export async function sendServiceWrite(
  services: ServicesClient,
  write: ServiceWrite,
  opts: { resend?: boolean } = {},
): Promise<SentWrite> {
  const { name, etag } = write.update;
  if (!etag) throw new Error(`A change to ${name} must carry the etag it was derived from.`);
  try {
    const [lro] = await services.updateService(
      { service: write.update, ...(write.updateMask ? { updateMask: { paths: write.updateMask } } : {}) },
      CALL,
    );
    return { name: lro.name ?? "", operation: lro };
  } catch (err) {
    const code = grpcCode(err);
    if (code === GRPC.ABORTED) throw await changedNow(services, name);
    if (code === GRPC.ALREADY_EXISTS && opts.resend && write.update.template?.revision)
      return { name: "", operation: null };
    throw err;
  }
}

async function changedNow(services: ServicesClient, name: string): Promise<Conflict> {
  const current = await services.getService({ name }, READ).then(
    ([s]) => s,
    () => null,
  );
  return current
    ? new ServiceChanged(current)
    : new Conflict(
        `${shortName(name)} was changed by someone else a moment ago. Nothing was changed; reload to see the new state and try again.`,
      );
}
