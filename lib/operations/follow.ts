// Follows a Cloud Run long-running operation to its end, updating the
// operation row step by step. Any portal instance can run it (see jobs.ts).
import { secretsClient, sqlClients, type RunClients, type SqlClients } from "../gcp/clients";
import { pollDatabaseOperation } from "../databases/follow";
import { pollRotation } from "../secrets/rotate/follow";
import type { Db } from "../db";
import { log } from "../log";
import { invalidateFleet } from "../services/read";
import { toServiceView } from "../services/model";
import { parseServiceName } from "../services/names";
import { auditOperation } from "./audit";
import { updateOperation, type OperationView } from "./record";
import { pollUntilDone } from "./loop";
import { advance, fail, type Step } from "./steps";

const POLL_MS = 500;

type LroError = { message?: string | null } | null | undefined;

async function revisionState(clients: RunClients, service: string, revision: string) {
  try {
    const [r] = await clients.revisions.getRevision({ name: `${service}/revisions/${revision}` }, { timeout: 10_000 });
    const ready = (r.conditions ?? []).find((c) => c.type === "Ready");
    return { exists: true, ready: String(ready?.state) === "CONDITION_SUCCEEDED", failed: String(ready?.state) === "CONDITION_FAILED", message: ready?.message ?? "" };
  } catch {
    return { exists: false, ready: false, failed: false, message: "" };
  }
}

/** One look at Google; returns the updated row. */
export async function pollOperation(db: Db, clients: RunClients, op: OperationView, sql: () => SqlClients = () => sqlClients()): Promise<OperationView> {
  if (op.status !== "running") return op;
  if (op.kind === "backup" || op.kind === "restore") return pollDatabaseOperation(db, sql(), op);
  if (op.kind === "rotate") return pollRotation(db, { run: clients, secrets: secretsClient(), sql: sql() }, op);
  if (!op.googleName) {
    // The instance that started it stopped before Google was called.
    if (Date.now() - op.createdAt.getTime() < 120_000) return op;
    const error = "Interrupted before the change reached Cloud Run; nothing was changed.";
    const done = await updateOperation(db, op.id, { steps: fail(op.steps, error), status: "failed", error });
    await finish(db, done, "failed", error);
    return done;
  }
  const lro = await clients.services.checkUpdateServiceProgress(op.googleName);
  let steps: Step[] = op.steps;
  if (op.kind === "deploy" && op.revision) {
    const rev = await revisionState(clients, op.service, op.revision);
    if (rev.exists) steps = advance(steps, "created");
    if (rev.exists && !rev.failed && (rev.ready || lro.done)) steps = advance(steps, "ready");
    else if (rev.exists && !rev.failed) steps = steps.map((s) => (s.key === "started" && s.state === "pending" ? { ...s, state: "active" } : s));
  } else {
    steps = advance(steps, "submitted");
  }
  if (!lro.done) return steps === op.steps ? op : updateOperation(db, op.id, { steps });

  const error = (lro.error as LroError)?.message;
  if (error) {
    const done = await updateOperation(db, op.id, { steps: fail(steps, error), status: "failed", error });
    await finish(db, done, "failed", error);
    return done;
  }
  const [service] = await clients.services.getService({ name: op.service }, { timeout: 10_000 });
  const after = toServiceView(service);
  const done = await updateOperation(db, op.id, {
    steps: advance(steps, "routed"),
    status: "succeeded",
    after: { traffic: after.traffic, image: after.image, generation: after.generation },
  });
  await finish(db, done, "success");
  return done;
}

async function finish(db: Db, op: OperationView, outcome: "success" | "failed", error?: string) {
  invalidateFleet(parseServiceName(op.service)?.project);
  await auditOperation(db, op, { action: `services.${op.kind}.completed`, target: op.service, outcome, error, details: { operation: op.googleName, revision: op.revision } });
  log.info("operation finished", { operation: op.id, kind: op.kind, service: op.service, outcome, error });
}

/** Polls until the operation ends or `budgetMs` runs out; true when it ended. */
export async function followOperation(db: Db, clients: RunClients, id: string, budgetMs: number): Promise<boolean> {
  return pollUntilDone(db, id, budgetMs, POLL_MS, (op) => pollOperation(db, clients, op));
}
