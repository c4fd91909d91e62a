// Incidents as a table: policy, service, condition, observed value against the
// threshold, start and end, who acknowledged; each row links to the service's
// dashboard at the incident's time range.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import type { IncidentView } from "@/lib/alerting/incidents";
import { AcknowledgeButton } from "./acknowledge-button";

export function IncidentTable({
  incidents,
  canAct,
  showService = true,
  emptyText,
  caption,
}: {
  incidents: IncidentView[];
  canAct: boolean;
  showService?: boolean;
  emptyText: string;
  caption: string;
}) {
  if (incidents.length === 0) return <EmptyState title={emptyText} />;
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>State</Th>
          <Th>{showService ? "Policy and service" : "Policy"}</Th>
          <Th>Condition</Th>
          <Th className="text-right">Observed / threshold</Th>
          <Th>Started → ended</Th>
          <Th>Acknowledged</Th>
        </tr>
      </thead>
      <tbody>
        {incidents.map((i) => (
          <tr key={i.id} data-testid={`incident-${i.incidentId}`}>
            <Td>{i.state === "open" ? <Badge tone="red">open</Badge> : <Badge tone="green">closed</Badge>}</Td>
            <Td className="min-w-48">
              <div className="font-medium">{i.policy}</div>
              {showService && (
                <div className="text-xs text-zinc-500 dark:text-zinc-400">
                  {[i.service, i.project, i.region].filter(Boolean).join(" · ")}
                </div>
              )}
              {i.dashboardHref && (
                <Link href={i.dashboardHref} className="text-xs text-indigo-600 hover:underline dark:text-indigo-400">
                  Dashboard at this time →
                </Link>
              )}
            </Td>
            <Td>
              <div>{i.condition || "—"}</div>
              {i.summary && <div className="max-w-md text-xs text-zinc-500 dark:text-zinc-400">{i.summary}</div>}
            </Td>
            <Td className="whitespace-nowrap text-right tabular-nums">
              {i.observed} / {i.threshold}
            </Td>
            <Td className="text-xs">
              <Time value={i.startedAt} />
              <div>
                →{" "}
                {i.endedAt ? (
                  <Time value={i.endedAt} />
                ) : (
                  <span className="text-zinc-500 dark:text-zinc-400">ongoing</span>
                )}
              </div>
            </Td>
            <Td>
              {i.acknowledgedBy ? (
                <span className="text-xs">
                  {i.acknowledgedBy}
                  <div className="text-zinc-500 dark:text-zinc-400">
                    <Time value={i.acknowledgedAt} />
                  </div>
                </span>
              ) : canAct && i.state === "open" ? (
                <AcknowledgeButton id={i.id} label={i.policy} />
              ) : (
                <span className="text-zinc-500 dark:text-zinc-400">—</span>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
