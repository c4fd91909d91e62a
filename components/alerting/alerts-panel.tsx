// The Alerts panel of a service page: its policies in words with their open
// incidents, recent incidents, and (developer+) a policy from a template.
import Link from "next/link";
import { EmptyState, Notice, Panel } from "@/components/ui/panel";
import type { ServiceAlerting } from "@/lib/alerting/service-alerting";
import { CreatePolicyForm } from "./create-policy-form";
import { IncidentTable } from "./incident-table";
import { PolicyList } from "./policy-list";

type Props = {
  service: { project: string; region: string; service: string };
  alerting: ServiceAlerting;
  canAct: boolean;
  uptimeChecks: { name: string; label: string }[];
  slos: { name: string; label: string }[];
};

export function AlertsPanel({ service, alerting, canAct, uptimeChecks, slos }: Props) {
  const { policies, incidents, channels, errors, openByPolicy } = alerting;
  const open = incidents.filter((i) => i.state === "open").length;
  return (
    <Panel
      title={`Alerts${open ? ` · ${open} open incident${open === 1 ? "" : "s"}` : ""}`}
      actions={
        <Link
          href={`/incidents?project=${service.project}&service=${service.service}`}
          className="text-xs text-indigo-600 hover:underline dark:text-indigo-400"
        >
          All incidents →
        </Link>
      }
    >
      {errors.length > 0 && (
        <div className="space-y-1 px-4 pt-3">
          {errors.map((e) => (
            <Notice key={e} tone="error">
              {e}
            </Notice>
          ))}
        </div>
      )}
      {policies &&
        (policies.length === 0 ? (
          <EmptyState title="No alert policy watches this service yet.">
            The fleet judges it by the fixed thresholds (5xx &gt; 1 %, p99 &gt; 5 s) until one does.
          </EmptyState>
        ) : (
          <PolicyList project={service.project} policies={policies} openIncidents={openByPolicy} canAct={canAct} />
        ))}
      {incidents.length > 0 && (
        <div className="border-t border-zinc-200 dark:border-zinc-800">
          <h3 className="px-4 pt-3 text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
            Recent incidents
          </h3>
          <IncidentTable
            incidents={incidents.slice(0, 5)}
            canAct={canAct}
            showService={false}
            emptyText=""
            caption={`Recent incidents of ${service.service}`}
          />
        </div>
      )}
      {canAct && policies && (
        <details className="border-t border-zinc-200 dark:border-zinc-800">
          <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-indigo-700 dark:text-indigo-300">
            New policy from a template
          </summary>
          <CreatePolicyForm
            service={service}
            channels={(channels ?? []).map((c) => ({
              name: c.name,
              label: c.runway
                ? "Runway (incidents page)"
                : `${c.displayName}${c.address && c.address !== c.displayName ? ` (${c.address})` : ""}`,
              runway: c.runway,
            }))}
            uptimeChecks={uptimeChecks}
            slos={slos}
          />
        </details>
      )}
    </Panel>
  );
}
