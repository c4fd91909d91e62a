// The rotation action: checks, adds the new value as a version (the only
// moment the value is in the portal's hands), records the plan and hands the
// rest to the follower (follow.ts). Operators and admins only.
import type { ActionDefinition, ActionOutput } from "../../actions";
import { Invalid, NotFound } from "../../errors";
import { GRPC, grpcCode, upstreamError } from "../../gcp/errors";
import { advance, startOperation, type StartedOperation } from "../../operations";
import { listLocations } from "../../services/locations";
import { portalRotationDeps, type RotationDeps } from "./deps";
import { generateValue } from "./generate";
import { ROTATION_START_STEPS, rotationSteps, secretName, type RotationPlan } from "./plan";
import { findReaders } from "./readers";
import { ROTATE_SENSITIVE, RotateInput } from "./schemas";

export type RotateResult = StartedOperation;

const CALL = { timeout: 15_000 };

async function previousVersion(deps: RotationDeps, name: string): Promise<string | null> {
  const [versions] = await deps.secrets.listSecretVersions({ parent: name }, CALL);
  const ids = versions.map((v) => Number(v.name?.split("/").pop())).filter(Number.isFinite);
  return ids.length ? String(Math.max(...ids)) : null;
}

async function checkSqlUser(deps: RotationDeps, project: string, instance: string, user: string): Promise<void> {
  const [list] = await deps.sql.users.list({ project, instance }, CALL).catch((err) => {
    if (grpcCode(err) === GRPC.NOT_FOUND)
      throw new Invalid("The Cloud SQL instance was not found.", {
        sqlInstance: [`No Cloud SQL instance ${instance} in ${project}.`],
      });
    throw upstreamError(err, "Cloud SQL", `listing the users of ${instance}`);
  });
  if (!(list.items ?? []).some((u) => u.name === user))
    throw new Invalid("The database user was not found.", { sqlUser: [`${instance} has no user ${user}.`] });
}

export function rotateDefinition(
  deps: () => RotationDeps = portalRotationDeps,
): ActionDefinition<typeof RotateInput, RotateResult> {
  return {
    name: "secrets.rotate",
    role: "operator",
    input: RotateInput,
    sensitive: ROTATE_SENSITIVE,
    target: secretName,
    scope: ({ project }) => ({ project }),
    run(ctx, input): Promise<ActionOutput<RotateResult>> {
      const d = deps();
      const name = secretName(input);
      const spec = {
        kind: "rotate",
        target: name,
        idempotencyKey: input.idempotencyKey,
        steps: ROTATION_START_STEPS,
        system: "Secret Manager",
        exclusive: "A rotation of this secret",
        enqueueFollow: d.enqueueFollow,
      };
      return startOperation(ctx, spec, async () => {
        await d.secrets.getSecret({ name }, CALL).catch((err) => {
          if (grpcCode(err) === GRPC.NOT_FOUND)
            throw new NotFound(`There is no secret ${input.secret} in ${input.project}.`);
          throw upstreamError(err, "Secret Manager", `reading ${input.secret}`);
        });
        const sql =
          input.setSqlPassword === "on" ? { instance: input.sqlInstance, user: input.sqlUser, done: false } : null;
        if (sql) await checkSqlUser(d, input.project, sql.instance, sql.user);
        const readers = await findReaders(d.run, await listLocations(ctx.db), input.project, input.secret);
        const previous = await previousVersion(d, name).catch((err) => {
          throw upstreamError(err, "Secret Manager", `listing the versions of ${input.secret}`);
        });
        // The value exists in this process only for this call; the version is added last, so any failure above changed nothing.
        const value = input.mode === "generate" ? generateValue(input.length, input.alphabet) : input.newValue;
        const [added] = await d.secrets
          .addSecretVersion({ parent: name, payload: { data: Buffer.from(value, "utf8") } }, CALL)
          .catch((err) => {
            throw upstreamError(err, "Secret Manager", `adding a version to ${input.secret}`);
          });
        const plan: RotationPlan = {
          project: input.project,
          secret: input.secret,
          previousVersion: previous,
          newVersion: added.name!.split("/").pop()!,
          sql,
          readers: readers.map((r) => ({
            service: r.service,
            id: r.id,
            checkPath: input.checks[r.service] ?? r.checkPath,
            state: "pending",
          })),
          disabled: false,
          rollback: null,
        };
        return {
          googleName: `${name}/versions/${plan.newVersion}`,
          revision: `v${plan.newVersion}`,
          plan,
          steps: advance(rotationSteps(plan), "added"),
          details: {
            before: { version: plan.previousVersion },
            after: {
              version: plan.newVersion,
              source:
                input.mode === "generate" ? `generated, ${input.length} characters (${input.alphabet})` : "entered",
            },
            sqlUser: plan.sql && { instance: plan.sql.instance, user: plan.sql.user },
            readers: plan.readers.map((r) => ({ service: r.service, checkPath: r.checkPath })),
          },
        };
      });
    },
  };
}
