// The rotation action: checks, adds the new value as a version (the only
// moment the value is in the portal's hands), records the plan and hands the
// rest to the follower (follow.ts). Operators and admins only.
import type { ActionDefinition, ActionOutput } from "../../actions";
import { AppError, Invalid, NotFound } from "../../errors";
import { GRPC, grpcCode, upstreamError } from "../../gcp/errors";
import { log } from "../../log";
import { claimOperation, updateOperation } from "../../operations/record";
import { advance, fail, initialSteps } from "../../operations/steps";
import { listLocations } from "../../services/locations";
import { portalRotationDeps, type RotationDeps } from "./deps";
import { generateValue } from "./generate";
import { rotationSteps, secretName, type RotationPlan } from "./plan";
import { findReaders } from "./readers";
import { ROTATE_SENSITIVE, RotateInput } from "./schemas";

export type RotateResult = { operationId: string; duplicate: boolean };

const CALL = { timeout: 15_000 };

async function previousVersion(deps: RotationDeps, name: string): Promise<string | null> {
  const [versions] = await deps.secrets.listSecretVersions({ parent: name }, CALL);
  const ids = versions.map((v) => Number(v.name?.split("/").pop())).filter(Number.isFinite);
  return ids.length ? String(Math.max(...ids)) : null;
}

async function checkSqlUser(deps: RotationDeps, project: string, instance: string, user: string): Promise<void> {
  const [list] = await deps.sql.users.list({ project, instance }, CALL).catch((err) => {
    if (grpcCode(err) === GRPC.NOT_FOUND) throw new Invalid("The Cloud SQL instance was not found.", { sqlInstance: [`No Cloud SQL instance ${instance} in ${project}.`] });
    throw upstreamError(err, `listing the users of ${instance}`);
  });
  if (!(list.items ?? []).some((u) => u.name === user)) throw new Invalid("The database user was not found.", { sqlUser: [`${instance} has no user ${user}.`] });
}

export function rotateDefinition(deps: () => RotationDeps = portalRotationDeps): ActionDefinition<typeof RotateInput, RotateResult> {
  return {
    name: "secrets.rotate",
    role: "operator",
    input: RotateInput,
    sensitive: ROTATE_SENSITIVE,
    target: secretName,
    async run({ actor, db }, input): Promise<ActionOutput<RotateResult>> {
      const d = deps();
      const name = secretName(input);
      const claim = await claimOperation(db, { idempotencyKey: input.idempotencyKey, kind: "rotate", service: name, actorEmail: actor.email }, { exclusive: "A rotation of this secret" });
      if (!claim.created) {
        return { data: { operationId: claim.operation.id, duplicate: true }, message: "Already submitted: showing the first request's progress.", details: { duplicateOf: claim.operation.id } };
      }
      const opId = claim.operation.id;
      let plan: RotationPlan;
      try {
        await d.secrets.getSecret({ name }, CALL).catch((err) => {
          if (grpcCode(err) === GRPC.NOT_FOUND) throw new NotFound(`There is no secret ${input.secret} in ${input.project}.`);
          throw upstreamError(err, `reading ${input.secret}`);
        });
        const sql = input.setSqlPassword === "on" ? { instance: input.sqlInstance, user: input.sqlUser, done: false } : null;
        if (sql) await checkSqlUser(d, input.project, sql.instance, sql.user);
        const readers = await findReaders(d.run, await listLocations(db), input.project, input.secret);
        const previous = await previousVersion(d, name).catch((err) => { throw upstreamError(err, `listing the versions of ${input.secret}`); });
        // The value exists in this process only for this call.
        const value = input.mode === "generate" ? generateValue(input.length, input.alphabet) : input.newValue;
        const [added] = await d.secrets.addSecretVersion({ parent: name, payload: { data: Buffer.from(value, "utf8") } }, CALL).catch((err) => {
          throw upstreamError(err, `adding a version to ${input.secret}`);
        });
        plan = {
          project: input.project,
          secret: input.secret,
          previousVersion: previous,
          newVersion: added.name!.split("/").pop()!,
          sql,
          readers: readers.map((r) => ({ service: r.service, id: r.id, checkPath: input.checks[r.service] ?? r.checkPath, state: "pending" })),
          disabled: false,
          rollback: null,
        };
      } catch (err) {
        // Nothing was changed: the version is added last.
        const message = err instanceof AppError ? err.message : "Failed before the new version was added; nothing was changed. The server log has the details.";
        await updateOperation(db, opId, { status: "failed", error: message, steps: fail(initialSteps("rotate"), message) });
        throw err;
      }
      const steps = advance(rotationSteps(plan), "added");
      await updateOperation(db, opId, { googleName: `${name}/versions/${plan.newVersion}`, revision: `v${plan.newVersion}`, before: plan, steps });
      await d.enqueueFollow(opId).catch((err) => log.error("could not enqueue the follower; it resumes at the next start", { operation: opId, error: String(err) }));
      return {
        data: { operationId: opId, duplicate: false },
        details: {
          runwayOperation: opId,
          before: { version: plan.previousVersion },
          after: { version: plan.newVersion, source: input.mode === "generate" ? `generated, ${input.length} characters (${input.alphabet})` : "entered" },
          sqlUser: plan.sql && { instance: plan.sql.instance, user: plan.sql.user },
          readers: plan.readers.map((r) => ({ service: r.service, checkPath: r.checkPath })),
        },
      };
    },
  };
}
