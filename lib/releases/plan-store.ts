// A service's release plan in Postgres: read (the defaults when none was
// saved) and saved by a developer from the service page, validated field by field.
import { z } from "zod";
import type { ActionDefinition } from "../actions";
import type { Db, Prisma } from "../db";
import { Invalid } from "../errors";
import { serviceName, ServiceRefInput } from "../services";
import { portalReleaseDeps, type ReleaseActionDeps } from "./deps";
import { DEFAULT_PLAN, PlanFields, planOrDefault, planProblems, type ReleasePlan } from "./plan";

export async function readPlan(
  db: Db,
  service: string,
): Promise<{ plan: ReleasePlan; saved: { by: string; at: Date } | null }> {
  const row = await db.releasePlanRow.findUnique({ where: { service } });
  return row
    ? { plan: planOrDefault(row.plan), saved: { by: row.updatedBy, at: row.updatedAt } }
    : { plan: DEFAULT_PLAN, saved: null };
}

export const SavePlanInput = ServiceRefInput.extend(PlanFields.shape);
export type SavePlanInput = z.infer<typeof SavePlanInput>;

export const savePlanDefinition = (
  deps: () => Pick<ReleaseActionDeps, "onGoogle"> = portalReleaseDeps,
): ActionDefinition<typeof SavePlanInput, { plan: ReleasePlan }> => ({
  name: "releases.save-plan",
  role: "developer",
  input: SavePlanInput,
  target: serviceName,
  scope: ({ project, region, service }) => ({ project, region, service }),
  async run(ctx, input) {
    const { project, region, service, ...plan } = input;
    const problems = planProblems(plan, deps().onGoogle);
    if (Object.keys(problems).length) throw new Invalid("Check the highlighted fields; nothing was saved.", problems);
    const name = serviceName({ project, region, service });
    const before = await readPlan(ctx.db, name);
    await ctx.db.releasePlanRow.upsert({
      where: { service: name },
      create: { service: name, plan: plan as Prisma.InputJsonValue, updatedBy: ctx.actor.email },
      update: { plan: plan as Prisma.InputJsonValue, updatedBy: ctx.actor.email },
    });
    return { data: { plan }, message: "Release plan saved.", details: { before: before.plan, after: plan } };
  },
});
