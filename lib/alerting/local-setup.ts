// First start on the emulator: the seeded plans' alert policies notify their
// own channels, but Runway's incidents page only hears from Runway's webhook.
// For each covered project that has enabled policies and no Runway webhook yet,
// make one and add it to those policies, so a new user sees incidents arrive.
// Never on Google (a portal does not rewire a real project's policies). A project
// that has Runway's webhook, or had one made here before (an audit row
// `alerting.local-setup` says so, and what was changed), is left alone.
import "server-only";
import type { Db } from "../db";
import { log } from "../log";
import { createRunwayWebhook, type AlertingDeps } from "./channels";
import { forget, projectPolicies } from "./policies";

export const LOCAL_SETUP_ACTOR = "runway (first start on the emulator)";

export async function connectSeededPolicies(db: Db, deps: AlertingDeps, projects: string[]): Promise<string[]> {
  const connected: string[] = [];
  for (const project of projects) {
    // Once per project: a channel made here (or by a person) means it is set up, even if deleted later.
    if (await db.alertWebhookChannel.count({ where: { project } })) continue;
    if (await db.auditEvent.count({ where: { action: "alerting.local-setup", target: `projects/${project}` } }))
      continue;
    const policies = (await projectPolicies(project, deps.clients)).filter((p) => p.enabled?.value !== false);
    if (!policies.length) continue;
    const { name } = await createRunwayWebhook(db, deps, project, LOCAL_SETUP_ACTOR);
    for (const p of policies) {
      await deps.clients.policies.updateAlertPolicy({
        alertPolicy: { name: p.name, notificationChannels: [...(p.notificationChannels ?? []), name] },
        updateMask: { paths: ["notification_channels"] },
      });
    }
    forget(deps.clients, project);
    await db.auditEvent.create({
      data: {
        actorEmail: LOCAL_SETUP_ACTOR,
        action: "alerting.local-setup",
        target: `projects/${project}`,
        outcome: "success",
        input: {},
        details: { channel: name, policies: policies.map((p) => p.displayName ?? p.name ?? "") },
        durationMs: 0,
        requestId: "startup",
      },
    });
    log.info("alerting: Runway's webhook added to the seeded policies", {
      project,
      channel: name,
      policies: policies.length,
    });
    connected.push(project);
  }
  return connected;
}
