// Per-service variance thresholds in Postgres: absent means the default
// (20 %). Setting one is a guarded action (operator+), audited with before/after.
import "server-only";
import type { ActionDefinition } from "../actions";
import type { Db } from "../db";
import { VarianceThresholdInput } from "./schemas";
import { DEFAULT_THRESHOLD } from "./variance";

/** Thresholds by "project/service", as fractions. */
export async function varianceThresholds(db: Db): Promise<Map<string, number>> {
  const rows = await db.costVarianceThreshold.findMany();
  return new Map(rows.map((r) => [`${r.project}/${r.service}`, r.percent / 100]));
}

export const thresholdOf = (thresholds: Map<string, number>, project: string, service: string) =>
  thresholds.get(`${project}/${service}`) ?? DEFAULT_THRESHOLD;

export const setVarianceThresholdDefinition: ActionDefinition<typeof VarianceThresholdInput, { percent: number }> = {
  name: "cost.set-variance-threshold",
  role: "operator",
  input: VarianceThresholdInput,
  target: (i) => `${i.project}/${i.service}`,
  scope: ({ project }) => ({ project }),
  async run({ db, actor }, { project, service, percent }) {
    const before = await db.costVarianceThreshold.findUnique({ where: { project_service: { project, service } } });
    await db.costVarianceThreshold.upsert({
      where: { project_service: { project, service } },
      create: { project, service, percent, updatedBy: actor.email },
      update: { percent, updatedBy: actor.email },
    });
    return {
      data: { percent },
      message: `${service} is flagged above +${percent} % now.`,
      details: { before: before?.percent ?? DEFAULT_THRESHOLD * 100, after: percent },
    };
  },
};
