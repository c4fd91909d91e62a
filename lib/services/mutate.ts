// The shared path of a person's service write: claim the operation
// (idempotency), read the service at the etag the page had, build the change
// and send it through the write module (write/send.ts), record the Google
// operation and hand it to the follower. Deploy and the traffic changes differ
// only in the Service they send.
import type { protos } from "@google-cloud/run";
import type { ActionContext, ActionOutput } from "../actions";
import { upstreamError } from "../gcp/errors";
import { startOperation, type StartedOperation } from "../operations";
import type { ServiceDeps } from "./deps";
import { toServiceView, type ServiceView } from "./model";
import { serviceName, type ServiceRef } from "./names";
import { invalidateFleet } from "./read";
import { SERVICE_STEPS, type ServiceOperationKind } from "./steps";
import { readForWrite, sendServiceWrite, snapshot } from "./write";

type Service = protos.google.cloud.run.v2.IService;

export type WriteResult = StartedOperation;

export type WriteSpec = {
  kind: ServiceOperationKind;
  verb: string;
  /** Builds the Service to send from the current one; may throw typed errors. */
  build(
    current: Service,
    view: ServiceView,
  ): { service: Service; updateMask?: string[]; revision?: string; summary: unknown };
};

export async function writeService(
  ctx: ActionContext,
  deps: ServiceDeps,
  input: ServiceRef & { etag: string; idempotencyKey: string },
  spec: WriteSpec,
): Promise<ActionOutput<WriteResult>> {
  const name = serviceName(input);
  const started = await startOperation(
    ctx,
    {
      kind: spec.kind,
      target: name,
      idempotencyKey: input.idempotencyKey,
      steps: SERVICE_STEPS[spec.kind],
      system: "Cloud Run",
      enqueueFollow: deps.enqueueFollow,
    },
    async () => {
      const current = await readForWrite(deps.clients.services, name, input.etag).catch((err) => {
        throw upstreamError(err, "Cloud Run", `reading ${input.service}`);
      });
      const view = toServiceView(current);
      const { service, updateMask, revision, summary } = spec.build(current, view);
      const sent = await sendServiceWrite(deps.clients.services, {
        update: { ...service, name, etag: input.etag },
        updateMask,
      }).catch((err) => {
        throw upstreamError(err, "Cloud Run", `${spec.verb} ${input.service}`);
      });
      const before = snapshot(view);
      return { googleName: sent.name, revision, plan: before, details: { revision, before, after: summary } };
    },
  );
  if (!started.data.duplicate) invalidateFleet(input.project);
  return started;
}
