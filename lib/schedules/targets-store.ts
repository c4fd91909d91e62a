// Targets per schedule in Postgres: read for the pages, edited by developers.
// The plans' targets (AI analytics: under 10 min, fresher than 24 h) are
// inserted by the migration; anything else starts without targets.
import type { ActionContext, ActionDefinition } from "../actions";
import type { Db } from "../db";
import { scheduleName } from "./names";
import { UpdateTargetsInput } from "./schemas";
import { byJobLocation, coveredLocations } from "./scope";
import type { ScheduleTargets } from "./targets";

export const NO_TARGETS: ScheduleTargets = { maxDurationSeconds: null, maxFreshnessHours: null };

export async function readTargets(db: Db, jobs: string[]): Promise<Map<string, ScheduleTargets>> {
  const rows = await db.scheduleTarget.findMany({ where: { job: { in: jobs } } });
  return new Map(
    rows.map((r) => [r.job, { maxDurationSeconds: r.maxDurationSeconds, maxFreshnessHours: r.maxFreshnessHours }]),
  );
}

async function updateTargets(ctx: ActionContext, input: UpdateTargetsInput) {
  await coveredLocations(ctx.db, input);
  const job = scheduleName(input);
  const next = {
    maxDurationSeconds: input.maxDurationMinutes === null ? null : input.maxDurationMinutes * 60,
    maxFreshnessHours: input.maxFreshnessHours,
  };
  const before = (await readTargets(ctx.db, [job])).get(job) ?? NO_TARGETS;
  await ctx.db.scheduleTarget.upsert({
    where: { job },
    create: { job, ...next, updatedBy: ctx.actor.email },
    update: { ...next, updatedBy: ctx.actor.email },
  });
  return { data: next, message: "Targets saved.", details: { before, after: next } };
}

export const updateTargetsDefinition: ActionDefinition<typeof UpdateTargetsInput, ScheduleTargets> = {
  name: "schedules.update-targets",
  role: "developer",
  input: UpdateTargetsInput,
  target: scheduleName,
  scope: byJobLocation,
  run: updateTargets,
};
