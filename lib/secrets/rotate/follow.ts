// Carries a rotation on, one step per look: set the Cloud SQL password, then
// per reader re-create each serving revision under a tag-only route, check it
// through that route, and move the traffic; finally disable the previous
// version. A failed check stops it and rolls back what was done. The plan in
// the row says where it is, so any instance can resume it after a restart.
import type { Db } from "../../db";
import { instanceName } from "../../databases/names";
import { GRPC, grpcCode, markedClient, upstreamError } from "../../gcp/errors";
import { log } from "../../log";
import {
  advance,
  auditOperation,
  fail,
  finishOperation,
  operationPlan,
  updateOperation,
  type Followers,
  type OperationView,
  type Step,
} from "../../operations";
import {
  invalidateFleet,
  LATEST,
  nextRevisionName,
  pinned,
  REVISION,
  revisionReadiness,
  sendServiceWrite,
  ServiceChanged,
  stampTraffic,
  toServiceView,
  type Target,
  type TrafficEntry,
} from "../../services";
import type { RotationClients } from "./deps";
import { versionName, withDetail, type ReaderPlan, type Replacement, type RotationPlan } from "./plan";
import { probe } from "./probe";
import { CHECK_PATH_ANNOTATION, secretEnvs } from "./readers";
import { templateFromRevision } from "./template";

const POLL_MS = 500;
const AREA = "secrets";
/** Answers below 500 in a row a new revision needs, and failures that stop the rotation. */
export const CHECKS_NEEDED = 3;
export const CHECKS_FAILING = 3;
const DEPLOY_TIMEOUT_MS = 5 * 60_000;
const CALL = { timeout: 30_000 };
// Worth another look by the follower rather than a rollback. A service changed
// between our read and our send (ServiceChanged) is too: the next look reads
// the service again and sends with that read's etag.
const TRANSIENT = new Set<number | undefined>([
  GRPC.UNAVAILABLE,
  GRPC.DEADLINE_EXCEEDED,
  GRPC.RESOURCE_EXHAUSTED,
  GRPC.ABORTED,
]);
const lookAgain = (err: unknown) => err instanceof ServiceChanged || TRANSIENT.has(grpcCode(err));

/** A reason to stop and roll back, in words for the person. */
class StepFailed extends Error {}

type Ctx = { db: Db; deps: RotationClients; op: OperationView; plan: RotationPlan; steps: Step[] };

const save = (c: Ctx) => updateOperation(c.db, c.op.id, { before: c.plan, steps: c.steps });

const audit = (
  c: Ctx,
  step: string,
  target: string,
  outcome: "success" | "failed",
  details: Record<string, unknown>,
  error?: string,
) =>
  auditOperation(c.db, c.op, {
    action: `${AREA}.rotate.${step}`,
    target,
    outcome,
    error,
    details: { ...details, rotating: c.op.target },
  });

/** One look; returns the updated row. */
export async function pollRotation(db: Db, deps: RotationClients, op: OperationView): Promise<OperationView> {
  const plan = await operationPlan<RotationPlan>(db, op.id);
  if (!plan) {
    const error = "The rotation's row lost its plan; check the secret's versions by hand.";
    return finishOperation(db, AREA, op, { status: "failed", error, steps: fail(op.steps, error) });
  }
  // A step calls three APIs; marked clients let a failure name the one that failed.
  const marked: RotationClients = {
    run: {
      services: markedClient("Cloud Run", deps.run.services),
      revisions: markedClient("Cloud Run", deps.run.revisions),
    },
    secrets: markedClient("Secret Manager", deps.secrets),
    sql: {
      instances: markedClient("Cloud SQL", deps.sql.instances),
      backupRuns: markedClient("Cloud SQL", deps.sql.backupRuns),
      operations: markedClient("Cloud SQL", deps.sql.operations),
      users: markedClient("Cloud SQL", deps.sql.users),
    },
  };
  const c: Ctx = { db, deps: marked, op, plan, steps: op.steps };
  if (plan.rollback) return rollbackStep(c);
  try {
    return await forwardStep(c);
  } catch (err) {
    if (!(err instanceof StepFailed) && lookAgain(err)) throw err;
    if (!(err instanceof StepFailed) && grpcCode(err) === undefined)
      log.error("rotation step crashed", { operation: op.id, error: String(err), stack: (err as Error)?.stack });
    return startRollback(
      c,
      err instanceof StepFailed ? err.message : upstreamError(err, "Google Cloud", `rotating ${plan.secret}`).message,
    );
  }
}

async function forwardStep(c: Ctx): Promise<OperationView> {
  const { plan } = c;
  if (plan.sql && !plan.sql.done) {
    await setSqlPassword(c, plan.newVersion);
    plan.sql.done = true;
    c.steps = advance(c.steps, "sql");
    await audit(
      c,
      "sql-password-set",
      instanceName({ project: plan.project, instance: plan.sql.instance }),
      "success",
      { user: plan.sql.user, version: plan.newVersion },
    );
    return save(c);
  }
  const reader = plan.readers.find((r) => r.state === "pending" || r.state === "deploying");
  if (reader) return readerStep(c, reader);
  if (!plan.disabled && plan.previousVersion) {
    await c.deps.secrets.disableSecretVersion({ name: versionName(plan, plan.previousVersion) }, CALL).catch((err) => {
      // Already disabled or destroyed by someone else: the goal is met.
      if (grpcCode(err) !== GRPC.FAILED_PRECONDITION) throw err;
    });
    await audit(c, "version-disabled", versionName(plan, plan.previousVersion), "success", {
      version: plan.previousVersion,
    });
  }
  plan.disabled = true;
  c.steps = advance(c.steps, "disable");
  return finishOperation(c.db, AREA, c.op, {
    status: "succeeded",
    steps: c.steps,
    before: plan,
    after: { version: plan.newVersion, disabled: plan.previousVersion },
    details: {
      version: plan.newVersion,
      disabled: plan.previousVersion,
      readers: plan.readers.map((r) => ({
        service: r.service,
        state: r.state,
        revisions: r.replacements?.map((x) => x.to),
      })),
    },
  });
}

/** Reads a version's value and makes it the Cloud SQL user's password, waiting for Cloud SQL. */
async function setSqlPassword(c: Ctx, version: string): Promise<void> {
  const { plan, deps } = c;
  const sql = plan.sql!;
  const [access] = await deps.secrets.accessSecretVersion({ name: versionName(plan, version) }, CALL);
  const password = Buffer.from(access.payload?.data as Uint8Array).toString("utf8");
  const [op] = await deps.sql.users.update(
    { project: plan.project, instance: sql.instance, name: sql.user, body: { password } },
    CALL,
  );
  const deadline = Date.now() + 5 * 60_000;
  for (let current = op; ;) {
    if (String(current.status) === "DONE") {
      const error = (current.error?.errors ?? [])
        .map((e) => e.message)
        .filter(Boolean)
        .join("; ");
      if (error) throw new StepFailed(`Cloud SQL did not set the password of ${sql.user} on ${sql.instance}: ${error}`);
      return;
    }
    if (Date.now() > deadline)
      throw new StepFailed(`Cloud SQL did not finish setting the password of ${sql.user} within 5 minutes.`);
    await new Promise((r) => setTimeout(r, POLL_MS));
    [current] = await deps.sql.operations.get({ project: plan.project, operation: op.name! }, CALL);
  }
}

const readerKey = (r: ReaderPlan) => `reader:${r.service}`;

function progress(r: ReaderPlan): string {
  return (r.replacements ?? [])
    .map((x) => {
      if (x.state === "pending") return `${x.to}: waiting`;
      if (x.state === "deploying") return `${x.to}: starting`;
      const checks = `${x.ok} of ${CHECKS_NEEDED} checks passed${x.last ? ` (last: ${x.last})` : ""}`;
      return x.state === "ready" ? `${x.to}: ${checks}` : `${x.to}: checking ${r.checkPath}, ${checks}`;
    })
    .join("; ");
}

async function readerStep(c: Ctx, reader: ReaderPlan): Promise<OperationView> {
  const key = readerKey(reader);
  if (reader.state === "pending") {
    const skipped = !(await planReplacements(c, reader));
    if (skipped) c.steps = withDetail(advance(c.steps, key), key, reader.note!);
    else c.steps = withDetail(c.steps, key, progress(reader));
    return save(c);
  }
  const rep = reader.replacements!.find((r) => r.state !== "ready");
  if (rep) {
    await replacementStep(c, reader, rep);
    c.steps = withDetail(c.steps, key, progress(reader));
    return save(c);
  }
  const traffic = await routeToReplacements(c, reader);
  reader.state = "routed";
  c.steps = withDetail(advance(c.steps, key), key, `${progress(reader)}; traffic ${trafficText(traffic)}`);
  await audit(c, "redeployed", reader.service, "success", {
    revisions: reader.replacements!.map((x) => ({
      from: x.from,
      to: x.to,
      percent: x.percent,
      checks: `${x.ok} passed on ${reader.checkPath}`,
    })),
    before: reader.before,
    after: traffic,
  });
  invalidateFleet(c.plan.project);
  return save(c);
}

const trafficText = (traffic: { revision?: string | null; percent?: number | null; type?: unknown }[]) =>
  traffic
    .filter((t) => (t.percent ?? 0) > 0)
    .map((t) => `${t.percent}% ${t.type === LATEST ? "latest" : t.revision}`)
    .join(", ");

/** Which serving revisions read the secret, and the names of their replacements; false when none does. */
async function planReplacements(c: Ctx, reader: ReaderPlan): Promise<boolean> {
  const { run } = c.deps;
  const [svc] = await run.services.getService({ name: reader.service }, CALL);
  const view = toServiceView(svc);
  const serving = [...new Map(view.traffic.filter((t) => t.percent > 0).map((t) => [t.revision, t])).values()];
  const reading: TrafficEntry[] = [];
  for (const t of serving) {
    const [rev] = await run.revisions.getRevision({ name: `${reader.service}/revisions/${t.revision}` }, CALL);
    if (secretEnvs(rev.containers, c.plan.project, c.plan.secret).length) reading.push(t);
  }
  if (!reading.length) {
    reader.state = "skipped";
    reader.note = "No serving revision reads it; its next deploy picks the new version up.";
    return false;
  }
  // The revision LATEST resolves to goes last, so that LATEST can follow its replacement.
  reading.sort((a, b) => Number(a.latest) - Number(b.latest));
  let last = view.latestCreatedRevision;
  reader.before = view.traffic;
  reader.replacements = reading.map((t, i) => {
    last = nextRevisionName(reader.id, last);
    return {
      from: t.revision,
      percent: t.percent,
      to: last,
      tag: `rotate-v${c.plan.newVersion}-${i + 1}`,
      state: "pending",
      ok: 0,
      bad: 0,
    };
  });
  reader.state = "deploying";
  return true;
}

async function replacementStep(c: Ctx, reader: ReaderPlan, rep: Replacement) {
  const { run } = c.deps;
  if (rep.state === "pending") {
    const [current] = await run.services.getService({ name: reader.service }, CALL);
    const [from] = await run.revisions.getRevision({ name: `${reader.service}/revisions/${rep.from}` }, CALL);
    const template = templateFromRevision(from, {
      name: rep.to,
      project: c.plan.project,
      secret: c.plan.secret,
      newVersion: c.plan.newVersion,
      actor: c.op.actorEmail,
    });
    const traffic = [
      ...pinned(toServiceView(current).traffic),
      { type: REVISION, revision: rep.to, percent: 0, tag: rep.tag },
    ];
    rep.state = "deploying";
    rep.sentAt = new Date().toISOString();
    // Sent before a restart: the revision exists already, and counts as sent.
    await sendServiceWrite(
      run.services,
      { update: { ...current, name: reader.service, etag: current.etag ?? "", template, traffic } },
      { resend: true },
    );
    return;
  }
  if (rep.state === "deploying") {
    const rev = await run.revisions.getRevision({ name: `${reader.service}/revisions/${rep.to}` }, CALL).then(
      ([r]) => r,
      (err) => {
        if (grpcCode(err) === GRPC.NOT_FOUND) return null;
        throw err;
      },
    );
    const ready = revisionReadiness(rev);
    if (ready.state === "failed")
      throw new StepFailed(`${reader.id}'s new revision ${rep.to} did not start: ${ready.message}.`);
    if (ready.state === "ready") {
      const [svc] = await run.services.getService({ name: reader.service }, CALL);
      const route = (svc.trafficStatuses ?? []).find((t) => t.tag === rep.tag);
      if (route?.uri) {
        rep.state = "checking";
        rep.uri = route.uri;
        return;
      }
    }
    if (Date.now() - Date.parse(rep.sentAt!) > DEPLOY_TIMEOUT_MS)
      throw new StepFailed(
        `${reader.id}'s new revision ${rep.to} was not ready after ${DEPLOY_TIMEOUT_MS / 60_000} minutes.`,
      );
    return;
  }
  const result = await probe(rep.uri!, reader.checkPath);
  if (result.ok) rep.ok++;
  else rep.bad++;
  rep.last = result.summary;
  if (rep.bad >= CHECKS_FAILING) {
    throw new StepFailed(
      `${reader.id}'s new revision ${rep.to} failed its checks: ${result.ok ? "" : `${result.summary}, `}${rep.bad} of ${rep.ok + rep.bad} answers failed.`,
    );
  }
  if (rep.ok >= CHECKS_NEEDED) rep.state = "ready";
}

/** Each replaced revision's share (and tags) moves to its replacement; LATEST stays LATEST when it can. */
async function routeToReplacements(c: Ctx, reader: ReaderPlan): Promise<Target[]> {
  const reps = reader.replacements!;
  const to = new Map(reps.map((r) => [r.from, r.to]));
  const newest = reps.at(-1)!.to;
  const traffic: Target[] = reader.before!.map((t) => {
    const revision = to.get(t.revision) ?? t.revision;
    const tag = t.tag ? { tag: t.tag } : {};
    return t.latest && revision === newest
      ? { type: LATEST, percent: t.percent, ...tag }
      : { type: REVISION, revision, percent: t.percent, ...tag };
  });
  await updateTraffic(c, reader, traffic, { [CHECK_PATH_ANNOTATION]: reader.checkPath });
  return traffic;
}

async function updateTraffic(c: Ctx, reader: ReaderPlan, traffic: Target[], extra: Record<string, string> = {}) {
  const [current] = await c.deps.run.services.getService({ name: reader.service }, CALL);
  const annotations = { ...stampTraffic(current, traffic), ...extra };
  const sent = await sendServiceWrite(c.deps.run.services, {
    update: { ...current, name: reader.service, etag: current.etag ?? "", traffic, annotations },
    updateMask: ["traffic", "annotations"],
  });
  await sent.operation?.promise().catch((err) => {
    throw new StepFailed(`Changing the traffic of ${reader.id} failed: ${(err as Error).message}`);
  });
}

// ── rollback ──

async function startRollback(c: Ctx, reason: string): Promise<OperationView> {
  c.plan.rollback = { reason, sqlRestored: false, valueRestored: null, newDisabled: false, notes: [] };
  c.steps = [...fail(c.steps, reason), { key: "rollback", label: "Roll back", state: "active" }];
  await audit(c, "stopped", c.op.target, "failed", { version: c.plan.newVersion }, reason);
  log.warn("rotation stopped; rolling back", { operation: c.op.id, target: c.op.target, reason });
  return save(c);
}

/** One rollback move per look, in the order that heals fastest: password, traffic, value. */
async function rollbackStep(c: Ctx): Promise<OperationView> {
  const { plan } = c;
  const rb = plan.rollback!;
  const attempt = async (what: string, target: string, move: () => Promise<string>, done: () => void) => {
    try {
      const note = await move();
      rb.notes.push(note);
      await audit(c, `rollback.${what}`, target, "success", { note });
    } catch (err) {
      if (lookAgain(err)) throw err;
      const error =
        err instanceof StepFailed ? err.message : upstreamError(err, "Google Cloud", `rolling back (${what})`).message;
      rb.notes.push(`COULD NOT ${what.replace(/-/g, " ")}: ${error}`);
      await audit(c, `rollback.${what}`, target, "failed", {}, error);
    }
    done();
    c.steps = withDetail(c.steps, "rollback", rb.notes.join("; "));
    return save(c);
  };
  if (plan.sql?.done && !rb.sqlRestored && plan.previousVersion) {
    const sql = plan.sql;
    return attempt(
      "restore-sql-password",
      instanceName({ project: plan.project, instance: sql.instance }),
      async () => {
        await setSqlPassword(c, plan.previousVersion!);
        return `password of ${sql.user} on ${sql.instance} set back to v${plan.previousVersion}'s value`;
      },
      () => (rb.sqlRestored = true),
    );
  }
  const reader = plan.readers.find((r) => (r.state === "deploying" || r.state === "routed") && r.before?.length);
  if (reader) {
    const traffic = pinned(reader.before ?? []);
    return attempt(
      "restore-traffic",
      reader.service,
      async () => {
        await updateTraffic(c, reader, traffic);
        invalidateFleet(plan.project);
        return `traffic of ${reader.id} back to ${trafficText(traffic)}`;
      },
      () => (reader.state = "restored"),
    );
  }
  if (!rb.valueRestored && plan.previousVersion) {
    // `latest` is the newest version whatever its state: the old value comes back as a newer version.
    return attempt(
      "restore-value",
      versionName(plan, plan.previousVersion),
      async () => {
        const [old] = await c.deps.secrets.accessSecretVersion(
          { name: versionName(plan, plan.previousVersion!) },
          CALL,
        );
        const [added] = await c.deps.secrets.addSecretVersion(
          { parent: c.op.target, payload: { data: old.payload?.data } },
          CALL,
        );
        rb.valueRestored = added.name!.split("/").pop()!;
        return `v${plan.previousVersion}'s value is the latest again as v${rb.valueRestored}`;
      },
      () => (rb.valueRestored ??= "failed"),
    );
  }
  if (!rb.newDisabled) {
    return attempt(
      "disable-new-version",
      versionName(plan, plan.newVersion),
      async () => {
        await c.deps.secrets.disableSecretVersion({ name: versionName(plan, plan.newVersion) }, CALL);
        return `v${plan.newVersion} disabled`;
      },
      () => (rb.newDisabled = true),
    );
  }
  const complete = !rb.notes.some((n) => n.startsWith("COULD NOT"));
  const error = `${rb.reason.replace(/\.?$/, ".")} Rolled back: ${rb.notes.join("; ") || "nothing had changed"}.${complete ? "" : " Part of the rollback failed: fix what says COULD NOT by hand."}`;
  c.steps = c.steps.map((s) =>
    s.key === "rollback"
      ? { ...s, state: complete ? "done" : "failed", at: new Date().toISOString(), detail: rb.notes.join("; ") }
      : s,
  );
  return finishOperation(c.db, AREA, c.op, {
    status: "failed",
    error,
    steps: c.steps,
    before: plan,
    after: { rolledBack: rb },
    details: { version: plan.newVersion, rollback: rb },
  });
}

/** The follower of rotations, for the start-up registry. */
export function rotationFollowers(deps: () => RotationClients): Followers {
  return {
    rotate: {
      area: AREA,
      viewRole: "developer",
      system: "Secret Manager",
      intervalMs: POLL_MS,
      poll: (db, op) => pollRotation(db, deps(), op),
    },
  };
}
