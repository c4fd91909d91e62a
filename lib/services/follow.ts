// Follows Cloud Run's long-running operation of a deploy or traffic change to
// its end, moving the row's steps as the revision is created, starts, becomes
// ready and takes its traffic.
import type { Db } from "../db";
import type { RunClients } from "../gcp/clients";
import {
  advance,
  fail,
  finishOperation,
  updateOperation,
  type Followers,
  type OperationView,
  type Step,
} from "../operations";
import { toServiceView } from "./model";
import { parseServiceName } from "./names";
import { invalidateFleet } from "./read";
import type { ServiceOperationKind } from "./steps";
import { revisionReadiness } from "./write";

const POLL_MS = 500;
const AREA = "services";

type LroError = { message?: string | null } | null | undefined;

async function revisionState(clients: RunClients, service: string, revision: string) {
  try {
    const [r] = await clients.revisions.getRevision({ name: `${service}/revisions/${revision}` }, { timeout: 10_000 });
    const { state } = revisionReadiness(r);
    return { exists: true, ready: state === "ready", failed: state === "failed" };
  } catch {
    return { exists: false, ready: false, failed: false };
  }
}

/** One look at Cloud Run; returns the updated row. */
export async function pollServiceOperation(db: Db, clients: RunClients, op: OperationView): Promise<OperationView> {
  const lro = await clients.services.checkUpdateServiceProgress(op.googleName!);
  let steps: Step[] = op.steps;
  if (op.kind === "deploy" && op.revision) {
    const rev = await revisionState(clients, op.target, op.revision);
    if (rev.exists) steps = advance(steps, "created");
    if (rev.exists && !rev.failed && (rev.ready || lro.done)) steps = advance(steps, "ready");
    else if (rev.exists && !rev.failed)
      steps = steps.map((s) => (s.key === "started" && s.state === "pending" ? { ...s, state: "active" } : s));
  } else {
    steps = advance(steps, "submitted");
  }
  if (!lro.done) return steps === op.steps ? op : updateOperation(db, op.id, { steps });

  const details = { revision: op.revision };
  const error = (lro.error as LroError)?.message;
  let done: OperationView;
  if (error) {
    done = await finishOperation(db, AREA, op, { status: "failed", error, steps: fail(steps, error), details });
  } else {
    const [service] = await clients.services.getService({ name: op.target }, { timeout: 10_000 });
    const after = toServiceView(service);
    done = await finishOperation(db, AREA, op, {
      status: "succeeded",
      steps: advance(steps, "routed"),
      after: { traffic: after.traffic, image: after.image, generation: after.generation },
      details,
    });
  }
  invalidateFleet(parseServiceName(op.target)?.project);
  return done;
}

/** The followers of service writes, for the start-up registry. */
export function serviceFollowers(clients: () => RunClients): Followers {
  const follower = {
    area: AREA,
    viewRole: "viewer" as const,
    system: "Cloud Run",
    intervalMs: POLL_MS,
    poll: (db: Db, op: OperationView) => pollServiceOperation(db, clients(), op),
  };
  const kinds: Record<ServiceOperationKind, typeof follower> = { deploy: follower, traffic: follower };
  return kinds;
}
