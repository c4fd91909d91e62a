// Starting a release: from a ready revision that has no traffic yet (blue/green
// becomes a canary), or from the deploy form's "Canary release" (the revision is
// deployed with no traffic under a tag, then released). One release per
// service: the operation claim refuses a second one, and so does a unique index.
// The first Google call is the one mutating call of the start, sent through
// the service write path: a refusal (stale etag: what changed, and by whom)
// leaves no rows (docs/decisions/0007).
import { z } from "zod";
import type { protos } from "@google-cloud/run";
import type { ActionContext, ActionDefinition } from "../actions";
import { Conflict, NotFound } from "../errors";
import { upstreamError } from "../gcp/errors";
import { startOperation, type Sent, type StartedOperation } from "../operations";
import {
  DeployFields,
  deployChecks,
  deployTemplate,
  invalidateFleet,
  readForWrite,
  revisionReadiness,
  sendServiceWrite,
  serviceName,
  ServiceRefInput,
  TagInput,
  toServiceView,
  underTagOnly,
  type ServiceRef,
} from "../services";
import { portalReleaseDeps, type ReleaseActionDeps } from "./deps";
import type { ReleasePlan } from "./plan";
import { readPlan } from "./plan-store";
import { stableShares, stepTraffic, toTargets, type Target } from "./split";
import { releaseSteps } from "./steps";
import { createRelease, failInterruptedReleases, type Pending } from "./store";

type Service = protos.google.cloud.run.v2.IService;
const Guarded = {
  etag: z.string().min(1, "The page's copy of the service is missing; reload it."),
  idempotencyKey: z.uuid("Missing form key; reload the page."),
};

export const StartReleaseInput = ServiceRefInput.extend({
  ...Guarded,
  revision: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "Not a revision name."),
});
export type StartReleaseInput = z.infer<typeof StartReleaseInput>;

export const DeployCanaryInput = deployChecks(
  DeployFields.extend({
    traffic: z.literal("canary"),
    tag: z.preprocess((v) => (v === "" || v == null ? "canary" : v), TagInput),
  }),
);
export type DeployCanaryInput = z.infer<typeof DeployCanaryInput>;

const EXCLUSIVE = "A release of this service";

/** Sends the start's one change, carrying the etag the page had. */
async function send(
  deps: ReleaseActionDeps,
  service: Service & { name: string; etag: string },
  what: string,
): Promise<string> {
  const sent = await sendServiceWrite(deps.run.services, {
    update: service,
    ...(service.template ? {} : { updateMask: ["traffic"] }),
  }).catch((err) => {
    throw upstreamError(err, "Cloud Run", what);
  });
  return sent.name;
}

/** A tag for the canary: its own when it has one, else "canary" (or a free variant). */
function canaryTagFor(traffic: Target[], canary: string): string {
  const own = traffic.find((t) => t.revision === canary && t.tag)?.tag;
  if (own) return own;
  const used = new Set(traffic.map((t) => t.tag).filter(Boolean));
  for (let i = 1; ; i++) if (!used.has(i === 1 ? "canary" : `canary-${i}`)) return i === 1 ? "canary" : `canary-${i}`;
}

/** The start both ways share: one exclusive operation, the service read at the etag the page had, the plan. */
async function started<I extends ServiceRef & { idempotencyKey: string; etag: string }>(
  ctx: ActionContext,
  deps: ReleaseActionDeps,
  input: I,
  deploys: boolean,
  sendIt: (operationId: string, current: Service, plan: ReleasePlan) => Promise<Sent>,
) {
  const name = serviceName(input);
  const { plan } = await readPlan(ctx.db, name);
  const result = await startOperation(
    ctx,
    {
      kind: "release",
      target: name,
      idempotencyKey: input.idempotencyKey,
      steps: releaseSteps(plan, deploys),
      system: "Cloud Run",
      exclusive: EXCLUSIVE,
      enqueueFollow: deps.enqueueFollow,
    },
    async (operationId) => {
      // The claim above is exclusive, so a release still marked active here lost its operation (interrupted before it was sent).
      await failInterruptedReleases(ctx.db, name);
      const current = await readForWrite(deps.run.services, name, input.etag).catch((err) => {
        throw upstreamError(err, "Cloud Run", `reading ${input.service}`);
      });
      return sendIt(operationId, current, plan);
    },
  );
  if (!result.data.duplicate) invalidateFleet(input.project);
  return result;
}

export const startReleaseDefinition = (
  deps: () => ReleaseActionDeps = portalReleaseDeps,
): ActionDefinition<typeof StartReleaseInput, StartedOperation> => ({
  name: "releases.start",
  role: "developer",
  input: StartReleaseInput,
  target: serviceName,
  scope: ({ project, region, service }) => ({ project, region, service }),
  run(ctx, input) {
    const d = deps();
    const name = serviceName(input);
    return started(ctx, d, input, false, async (operationId, current, plan) => {
      const view = toServiceView(current);
      const [revision] = await d.run.revisions
        .getRevision({ name: `${name}/revisions/${input.revision}` }, { timeout: 15_000 })
        .catch((err) => {
          throw upstreamError(err, "Cloud Run", `reading ${input.revision}`);
        });
      if (revisionReadiness(revision).state !== "ready")
        throw new Conflict(`${input.revision} is not ready; only a ready revision can be released.`);
      if (view.traffic.some((t) => t.revision === input.revision && t.percent > 0))
        throw new Conflict(`${input.revision} already serves traffic; a release starts from a revision with none.`);
      const prior = toTargets(current.traffic);
      const stable = stableShares(current, input.revision);
      if (!stable.length)
        throw new NotFound(`${input.service} has no revision serving traffic to compare the canary with.`);
      const canaryTag = canaryTagFor(prior, input.revision);
      const first = stepTraffic(prior, stable, input.revision, canaryTag, plan.steps[0]);
      const pending: Pending = { traffic: first, purpose: "step", reason: `started by ${ctx.actor.email}` };
      await createRelease(ctx.db, {
        operationId,
        service: name,
        canary: input.revision,
        canaryTag,
        plan,
        prior,
        stable,
        state: "shifting",
        etag: input.etag,
        pending,
      });
      const lro = await send(
        d,
        { name, traffic: first, etag: input.etag },
        `starting the release of ${input.revision}`,
      );
      return {
        googleName: lro,
        revision: input.revision,
        details: { canary: input.revision, canaryTag, plan, prior, snoozeAlerts: plan.snoozeAlerts },
      };
    });
  },
});

export const deployCanaryDefinition = (
  deps: () => ReleaseActionDeps = portalReleaseDeps,
): ActionDefinition<typeof DeployCanaryInput, StartedOperation> => ({
  name: "releases.deploy-canary",
  role: "developer",
  input: DeployCanaryInput,
  target: serviceName,
  scope: ({ project, region, service }) => ({ project, region, service }),
  run(ctx, input) {
    const d = deps();
    const name = serviceName(input);
    const canaryTag = input.tag ?? "canary";
    return started(ctx, d, input, true, async (operationId, current, plan) => {
      const view = toServiceView(current);
      const { revision, template } = deployTemplate(ctx.actor.email, input, current, view);
      // The revision arrives with no traffic, under its tag; what serves now is pinned, so nothing moves yet.
      const traffic = underTagOnly(view, revision, canaryTag);
      await createRelease(ctx.db, {
        operationId,
        service: name,
        canary: revision,
        canaryTag,
        plan,
        prior: [],
        stable: [],
        state: "deploying",
        etag: input.etag,
      });
      const lro = await send(
        d,
        { ...current, name, template, traffic, etag: input.etag },
        `deploying ${input.image} as a canary`,
      );
      return {
        googleName: lro,
        revision,
        details: { image: input.image, canary: revision, canaryTag, plan, snoozeAlerts: plan.snoozeAlerts },
      };
    });
  },
});
