// Traffic changes: an explicit split, "all to latest", and rollback to the
// previous serving revision. None creates a revision.
import type { protos } from "@google-cloud/run";
import type { ActionDefinition } from "../actions";
import { Conflict } from "../errors";
import { portalDeps, type ServiceDeps } from "./deps";
import type { RevisionView, ServiceView } from "./model";
import { writeService, type WriteResult, type WriteSpec } from "./mutate";
import { serviceName } from "./names";
import { getService } from "./read";
import { RollbackInput, SendAllToLatestInput, ShiftTrafficInput } from "./schemas";
import { keptTags, LATEST, REVISION, stampTraffic } from "./write";

type Target = protos.google.cloud.run.v2.ITrafficTarget;

function trafficSpec(verb: string, targets: (view: ServiceView) => Target[]): WriteSpec {
  return {
    kind: "traffic",
    verb,
    build(current, view) {
      const traffic = targets(view);
      return {
        service: { ...current, traffic, annotations: stampTraffic(current, traffic) },
        updateMask: ["traffic", "annotations"],
        summary: { traffic },
      };
    },
  };
}

export const shiftTrafficDefinition = (
  deps: () => ServiceDeps = portalDeps,
): ActionDefinition<typeof ShiftTrafficInput, WriteResult> => ({
  name: "services.shift-traffic",
  role: "developer",
  input: ShiftTrafficInput,
  target: serviceName,
  scope: ({ project, region, service }) => ({ project, region, service }),
  run: (ctx, input) =>
    writeService(
      ctx,
      deps(),
      input,
      trafficSpec("shifting traffic of", () =>
        input.entries.map((e) =>
          e.revision === "LATEST"
            ? { type: LATEST, percent: e.percent, ...(e.tag ? { tag: e.tag } : {}) }
            : { type: REVISION, revision: e.revision, percent: e.percent, ...(e.tag ? { tag: e.tag } : {}) },
        ),
      ),
    ),
});

export const sendAllToLatestDefinition = (
  deps: () => ServiceDeps = portalDeps,
): ActionDefinition<typeof SendAllToLatestInput, WriteResult> => ({
  name: "services.send-all-to-latest",
  role: "developer",
  input: SendAllToLatestInput,
  target: serviceName,
  scope: ({ project, region, service }) => ({ project, region, service }),
  run: (ctx, input) =>
    writeService(
      ctx,
      deps(),
      input,
      trafficSpec("sending all traffic to latest for", (view) => [{ type: LATEST, percent: 100 }, ...keptTags(view)]),
    ),
});

/**
 * The revision a rollback returns to: the newest ready revision created before
 * the one that serves most traffic now.
 */
export function previousServingRevision(service: ServiceView, revisions: RevisionView[]): RevisionView | null {
  const primary = [...service.traffic].sort((a, b) => b.percent - a.percent)[0]?.revision;
  const current = revisions.find((r) => r.name === primary);
  if (!current?.createdAt) return null;
  return (
    revisions
      .filter((r) => r.status === "ready" && r.name !== current.name && r.createdAt && r.createdAt < current.createdAt!)
      .sort((a, b) => b.createdAt!.getTime() - a.createdAt!.getTime())[0] ?? null
  );
}

export const rollbackDefinition = (
  deps: () => ServiceDeps = portalDeps,
): ActionDefinition<typeof RollbackInput, WriteResult> => ({
  name: "services.rollback",
  role: "developer",
  input: RollbackInput,
  target: serviceName,
  scope: ({ project, region, service }) => ({ project, region, service }),
  async run(ctx, input) {
    // The person confirmed a specific revision; refuse if that is no longer the one.
    const { service, revisions } = await getService(input, deps().clients);
    const previous = previousServingRevision(service, revisions);
    if (!previous) throw new Conflict(`${input.service} has no earlier ready revision to roll back to.`);
    if (previous.name !== input.toRevision) {
      throw new Conflict(
        `The previous revision is now ${previous.name}, not ${input.toRevision}: the service changed. Reload and confirm again.`,
      );
    }
    return writeService(
      ctx,
      deps(),
      input,
      trafficSpec("rolling back", (view) => [
        { type: REVISION, revision: previous.name, percent: 100 },
        ...keptTags(view),
      ]),
    );
  },
});
