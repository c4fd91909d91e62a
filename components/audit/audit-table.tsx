import { EmptyState } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import type { AuditEventView } from "@/lib/audit";
import { OutcomeBadge } from "./outcome-badge";

export function AuditTable({
  events,
  emptyText = "No audit events match these filters.",
  caption = "Audit events, newest first",
}: {
  events: AuditEventView[];
  emptyText?: string;
  caption?: string;
}) {
  if (events.length === 0) return <EmptyState title={emptyText} />;
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>Time</Th>
          <Th>Actor</Th>
          <Th>Action</Th>
          <Th>Target</Th>
          <Th>Outcome</Th>
          <Th className="text-right">ms</Th>
          <Th>Input and details</Th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id} data-testid="audit-row">
            <Td>
              <Time value={e.at} />
            </Td>
            <Td>
              <div className="font-medium">{e.actorEmail}</div>
              {e.actorRole && <div className="text-xs text-zinc-500 dark:text-zinc-400">{e.actorRole}</div>}
            </Td>
            <Td>
              <code className="text-xs">{e.action}</code>
            </Td>
            <Td className="min-w-48 max-w-72 break-all font-mono text-xs">{e.target ?? "—"}</Td>
            <Td>
              <OutcomeBadge outcome={e.outcome} />
              {e.error && <div className="mt-1 max-w-64 text-xs text-red-600 dark:text-red-400">{e.error}</div>}
            </Td>
            <Td className="text-right tabular-nums">{e.durationMs}</Td>
            <Td>
              <details className="text-xs">
                <summary className="cursor-pointer text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200 dark:text-zinc-400">
                  show
                </summary>
                <pre className="mt-1 max-w-md overflow-x-auto rounded bg-zinc-100 p-2 dark:bg-zinc-800">
                  {JSON.stringify({ input: e.input, details: e.details, requestId: e.requestId }, null, 2)}
                </pre>
              </details>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
