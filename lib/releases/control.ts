// A person steps in: pause, resume, promote now, abort now. Each moves the
// release's row (versioned, so a decision the follower took a moment earlier
// is not overwritten: the person is told to look again) and lets the follower
// act on it; a promotion or abort adopts the service as it is now, since a
// person decided it with the page in front of them.
import { z } from "zod";
import type { ActionDefinition } from "../actions";
import { Conflict, NotFound } from "../errors";
import { upstreamError } from "../gcp/errors";
import { serviceName, ServiceRefInput } from "../services";
import { portalReleaseDeps, type ReleaseActionDeps } from "./deps";
import { decisionTraffic } from "./split";
import { ENDED, getRelease, moveRelease, type ReleaseChange, type ReleaseRow } from "./store";

export const ReleaseControlInput = ServiceRefInput.extend({ release: z.uuid("Unknown release; reload the page.") });
export type ReleaseControlInput = z.infer<typeof ReleaseControlInput>;

type Verb = "pause" | "resume" | "promote" | "abort";
type Result = { release: string; state: string };

async function currentRelease(
  ctx: { db: Parameters<typeof getRelease>[0] },
  input: ReleaseControlInput,
): Promise<ReleaseRow> {
  const r = await getRelease(ctx.db, input.release);
  if (!r || r.service !== serviceName(input)) throw new NotFound("No such release on this service.");
  if (ENDED.includes(r.state)) throw new Conflict(`This release has already ended (${r.state}).`);
  return r;
}

function controlDefinition(
  verb: Verb,
  deps: () => ReleaseActionDeps,
): Omit<ActionDefinition<typeof ReleaseControlInput, Result>, "name"> {
  return {
    role: "developer",
    input: ReleaseControlInput,
    target: serviceName,
    scope: ({ project, region, service }) => ({ project, region, service }),
    async run(ctx, input) {
      const d = deps();
      const r = await currentRelease(ctx, input);
      const who = ctx.actor.email;
      let change: ReleaseChange;
      let text: string;
      if (r.pending)
        throw new Conflict(
          `The release is ${r.pending.purpose === "step" ? "moving traffic" : r.pending.purpose === "abort" ? "aborting" : "promoting"} right now; look again in a moment.`,
        );
      if (verb === "pause") {
        if (r.state === "paused")
          return { data: { release: r.operationId, state: r.state }, message: "Already paused." };
        text = `Paused by ${who}.`;
        change = { state: "paused", note: text };
      } else {
        const [service] = await d.run.services.getService({ name: r.service }, { timeout: 15_000 }).catch((err) => {
          throw upstreamError(err, "Cloud Run", `reading ${input.service}`);
        });
        if (verb === "resume") {
          if (r.state !== "paused" && r.state !== "holding")
            return { data: { release: r.operationId, state: r.state }, message: "The release is not paused." };
          text = `Resumed by ${who}: the ${r.plan.steps[r.stepIndex]} % step starts over from the service as it is now.`;
          change = {
            state: "observing",
            note: null,
            etag: service.etag ?? "",
            stepStartedAt: new Date(),
            failedInRow: 0,
            nextCheckAt: new Date(),
            googleErrors: 0,
            retryAt: null,
          };
        } else {
          const reason = verb === "promote" ? `promoted now by ${who}` : `aborted now by ${who}`;
          text = verb === "promote" ? `Promoting now, as ${who} asked.` : `Aborting now, as ${who} asked.`;
          change = {
            state: "shifting",
            etag: service.etag ?? "",
            pending: { traffic: decisionTraffic(r, verb, service), purpose: verb, reason },
            googleErrors: 0,
            retryAt: null,
          };
        }
      }
      const moved = await moveRelease(ctx.db, r, change, [{ kind: "decision", text }]);
      if (!moved) throw new Conflict("The release moved on while you were deciding; look at it again and retry.");
      await d.enqueueFollow(r.operationId);
      return {
        data: { release: r.operationId, state: moved.state },
        message: text,
        details: { before: r.state, after: moved.state },
      };
    },
  };
}

export const pauseReleaseDefinition = (
  deps = portalReleaseDeps,
): ActionDefinition<typeof ReleaseControlInput, Result> => ({
  name: "releases.pause",
  ...controlDefinition("pause", deps),
});
export const resumeReleaseDefinition = (
  deps = portalReleaseDeps,
): ActionDefinition<typeof ReleaseControlInput, Result> => ({
  name: "releases.resume",
  ...controlDefinition("resume", deps),
});
export const promoteReleaseDefinition = (
  deps = portalReleaseDeps,
): ActionDefinition<typeof ReleaseControlInput, Result> => ({
  name: "releases.promote",
  ...controlDefinition("promote", deps),
});
export const abortReleaseDefinition = (
  deps = portalReleaseDeps,
): ActionDefinition<typeof ReleaseControlInput, Result> => ({
  name: "releases.abort",
  ...controlDefinition("abort", deps),
});
