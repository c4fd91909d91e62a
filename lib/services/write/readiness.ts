// Whether a revision is Ready, from its "Ready" condition: the one reading of
// it that deploys, releases, rotations and the revision list share.
import type { protos } from "@google-cloud/run";

type Condition = protos.google.cloud.run.v2.ICondition;

export type Readiness = { state: "ready" | "failed" | "pending"; message: string | null };

/** The revision's "Ready" condition, if it has one yet. */
export function readyCondition(
  revision: { conditions?: Condition[] | null } | null | undefined,
): Condition | undefined {
  return (revision?.conditions ?? []).find((c) => c.type === "Ready");
}

/** Ready (it can take traffic), failed (it never will; the message says why) or pending. */
export function revisionReadiness(revision: { conditions?: Condition[] | null } | null | undefined): Readiness {
  const ready = readyCondition(revision);
  const state = String(ready?.state);
  if (state === "CONDITION_SUCCEEDED") return { state: "ready", message: null };
  if (state === "CONDITION_FAILED") return { state: "failed", message: ready?.message || "failed" };
  return { state: "pending", message: ready?.message || null };
}
