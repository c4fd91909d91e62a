// A service's alert policies (read from Cloud Monitoring, in words) and the
// developer+ verbs on them: create from a template, edit the threshold and
// duration, enable or disable, delete. Policies live in Cloud Monitoring only,
// so the Cloud console and Runway always agree.
import "server-only";
import type { protos } from "@google-cloud/monitoring";
import type { ActionDefinition } from "../actions";
import { TtlCache } from "../cache";
import { Conflict, Invalid } from "../errors";
import { alertingClients, type AlertingClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import type { ServiceRef } from "../services/names";
import { alertingDeps, type AlertingDeps } from "./channels";
import { describePolicy, policyWatches } from "./describe";
import { serviceSloNames } from "./slo";
import { serviceUptimeCheckIds } from "./uptime";
import { CreatePolicyInput, DeletePolicyInput, SetPolicyEnabledInput, UpdatePolicyInput } from "./schemas";
import {
  buildPolicy,
  displayName,
  templateOf,
  thresholdIssue,
  typedThreshold,
  storedThreshold,
  type TemplateKind,
} from "./templates";

type Policy = protos.google.monitoring.v3.IAlertPolicy;

export type PolicyView = {
  name: string;
  displayName: string;
  enabled: boolean;
  /** The conditions in words, joined by the combiner. */
  conditions: string;
  template: TemplateKind | null;
  /** The first threshold condition's numbers as the edit form shows them; null when it has none. */
  threshold: number | null;
  durationSeconds: number | null;
  notificationChannels: string[];
};

// Every service page of a project reads the same list; a few seconds' lag is harmless and writes clear it.
const cache = new WeakMap<AlertingClients, TtlCache<Policy[]>>();
const cacheOf = (clients: AlertingClients) => {
  if (!cache.has(clients)) cache.set(clients, new TtlCache(10_000));
  return cache.get(clients)!;
};

/** Every alert policy of a project (cached 10 s). */
export function projectPolicies(project: string, clients = alertingClients()): Promise<Policy[]> {
  return cacheOf(clients).get(project, async () => {
    const [policies] = await clients.policies
      .listAlertPolicies({ name: `projects/${project}` }, { timeout: 15_000 })
      .catch((err) => {
        throw upstreamError(err, "Cloud Monitoring", `listing the alert policies of ${project}`);
      });
    return policies;
  });
}

/** After a write: the next read of the project's policies asks Monitoring again. */
export const forget = (clients: AlertingClients, project: string) => cacheOf(clients).invalidate(project);

export function policyView(p: Policy): PolicyView {
  const kind = templateOf(p);
  const t = p.conditions?.find((c) => c.conditionThreshold)?.conditionThreshold;
  const stored = t ? Number(t.thresholdValue ?? 0) : null;
  return {
    name: p.name ?? "",
    displayName: p.displayName ?? "",
    enabled: p.enabled?.value ?? true,
    conditions: describePolicy(p),
    template: kind,
    threshold: stored === null ? null : kind ? typedThreshold(kind, stored) : stored,
    durationSeconds: t ? Number(t.duration?.seconds ?? 0) : null,
    notificationChannels: p.notificationChannels ?? [],
  };
}

export type Related = { uptimeCheckIds: string[]; sloNames: string[] };

/** The policies that watch one service, by name. */
export async function servicePolicies(
  ref: ServiceRef,
  related?: Related,
  clients = alertingClients(),
): Promise<PolicyView[]> {
  const all = await projectPolicies(ref.project, clients);
  return all
    .filter((p) => policyWatches(p, ref, related))
    .map(policyView)
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/**
 * Every policy that watches one service, its uptime checks' and SLOs' included,
 * as Monitoring holds them (ids only: no results or SLO values are read).
 */
export async function watchingPolicies(ref: ServiceRef, clients = alertingClients()): Promise<Policy[]> {
  const [uptimeCheckIds, sloNames] = await Promise.all([
    serviceUptimeCheckIds(ref, clients),
    serviceSloNames(ref, clients),
  ]);
  const all = await projectPolicies(ref.project, clients);
  return all.filter((p) => policyWatches(p, ref, { uptimeCheckIds, sloNames }));
}

async function getPolicy(clients: AlertingClients, name: string): Promise<Policy> {
  const [policy] = await clients.policies.getAlertPolicy({ name }).catch((err) => {
    throw upstreamError(err, "Cloud Monitoring", `reading ${name}`);
  });
  return policy;
}

export function createPolicyDefinition(
  deps: () => AlertingDeps = alertingDeps,
): ActionDefinition<typeof CreatePolicyInput, { name: string }> {
  return {
    name: "alerting.create-policy",
    role: "developer",
    input: CreatePolicyInput,
    target: (i) => `projects/${i.project}/locations/${i.region}/services/${i.service}`,
    scope: ({ project, region, service }) => ({ project, region, service }),
    async run(_ctx, i) {
      const { clients } = deps();
      const policy = buildPolicy(i.kind, { ...i, notificationChannels: i.channels });
      // A second click of the same form would make a twin; Cloud Monitoring has no request id for this.
      const twin = (await projectPolicies(i.project, clients)).find((p) => p.displayName === policy.displayName);
      if (twin) throw new Conflict(`"${policy.displayName}" already exists (${twin.name}); edit it instead.`);
      const [created] = await clients.policies
        .createAlertPolicy({ name: `projects/${i.project}`, alertPolicy: policy })
        .catch((err) => {
          throw upstreamError(err, "Cloud Monitoring", `creating "${policy.displayName}"`);
        });
      forget(clients, i.project);
      return {
        data: { name: created.name ?? "" },
        message: `Created "${created.displayName}".`,
        details: { policy: created.name, conditions: describePolicy(created) },
      };
    },
  };
}

export function updatePolicyDefinition(
  deps: () => AlertingDeps = alertingDeps,
): ActionDefinition<typeof UpdatePolicyInput, null> {
  return {
    name: "alerting.update-policy",
    role: "developer",
    input: UpdatePolicyInput,
    target: (i) => i.policyName,
    scope: ({ project }) => ({ project }),
    async run(_ctx, i) {
      const { clients } = deps();
      const policy = await getPolicy(clients, i.policyName);
      const kind = templateOf(policy);
      const index = policy.conditions?.findIndex((c) => c.conditionThreshold) ?? -1;
      if (index < 0)
        throw new Invalid("This policy has no threshold condition to edit here; edit it in the Cloud console.");
      const issue = kind ? thresholdIssue(kind, i.threshold) : null;
      if (issue) throw new Invalid("Some fields need attention.", { threshold: [issue] });
      const before = describePolicy(policy);
      const conditions = policy.conditions!.map((c, n) =>
        n !== index
          ? c
          : {
              ...c,
              conditionThreshold: {
                ...c.conditionThreshold,
                thresholdValue: kind ? storedThreshold(kind, i.threshold) : i.threshold,
                duration: { seconds: i.durationSeconds },
              },
            },
      );
      const service = policy.userLabels?.["runway-service"];
      const renamed =
        kind && service
          ? displayName(kind, { service, threshold: i.threshold, durationSeconds: i.durationSeconds })
          : policy.displayName;
      const [updated] = await clients.policies
        .updateAlertPolicy({
          alertPolicy: { name: policy.name, conditions, displayName: renamed },
          updateMask: { paths: ["conditions", "display_name"] },
        })
        .catch((err) => {
          throw upstreamError(err, "Cloud Monitoring", `updating ${i.policyName}`);
        });
      forget(clients, i.project);
      return {
        data: null,
        message: `Updated "${updated.displayName}".`,
        details: { before, after: describePolicy(updated) },
      };
    },
  };
}

export function setPolicyEnabledDefinition(
  deps: () => AlertingDeps = alertingDeps,
): ActionDefinition<typeof SetPolicyEnabledInput, null> {
  return {
    name: "alerting.set-policy-enabled",
    role: "developer",
    input: SetPolicyEnabledInput,
    target: (i) => i.policyName,
    scope: ({ project }) => ({ project }),
    async run(_ctx, i) {
      const { clients } = deps();
      const [updated] = await clients.policies
        .updateAlertPolicy({
          alertPolicy: { name: i.policyName, enabled: { value: i.enabled } },
          updateMask: { paths: ["enabled"] },
        })
        .catch((err) => {
          throw upstreamError(err, "Cloud Monitoring", `${i.enabled ? "enabling" : "disabling"} ${i.policyName}`);
        });
      forget(clients, i.project);
      return {
        data: null,
        message: `${i.enabled ? "Enabled" : "Disabled"} "${updated.displayName}".`,
        details: { enabled: i.enabled },
      };
    },
  };
}

export function deletePolicyDefinition(
  deps: () => AlertingDeps = alertingDeps,
): ActionDefinition<typeof DeletePolicyInput, null> {
  return {
    name: "alerting.delete-policy",
    role: "developer",
    input: DeletePolicyInput,
    target: (i) => i.policyName,
    scope: ({ project }) => ({ project }),
    async run(_ctx, i) {
      const { clients } = deps();
      const policy = await getPolicy(clients, i.policyName);
      await clients.policies.deleteAlertPolicy({ name: i.policyName }).catch((err) => {
        throw upstreamError(err, "Cloud Monitoring", `deleting ${i.policyName}`);
      });
      forget(clients, i.project);
      return {
        data: null,
        message: `Deleted "${policy.displayName}".`,
        details: { deleted: policy.displayName, conditions: describePolicy(policy) },
      };
    },
  };
}
