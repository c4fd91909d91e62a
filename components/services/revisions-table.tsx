import { Badge } from "@/components/ui/badge";
import { ago } from "@/components/ui/format";
import { Table, Td, Th } from "@/components/ui/table";
import type { RevisionView } from "@/lib/services";
import { StatusBadge } from "./status-badge";

export function RevisionsTable({ revisions }: { revisions: RevisionView[] }) {
  return (
    <Table caption="Revisions, newest first: image, deploy, traffic share, status, resources and scaling">
      <thead>
        <tr>
          <Th>Revision</Th>
          <Th>Image</Th>
          <Th>Deployed</Th>
          <Th className="text-right">Traffic</Th>
          <Th>Status</Th>
          <Th>Resources</Th>
          <Th>Scaling</Th>
        </tr>
      </thead>
      <tbody>
        {revisions.map((r) => (
          <tr key={r.name} data-testid={`revision-row-${r.name}`}>
            <Td>
              <div className="font-mono text-xs font-medium">{r.name}</div>
              <div className="mt-0.5 flex gap-1">
                {r.tags.map((t) => (
                  <Badge key={t} tone="sky">
                    {t}
                  </Badge>
                ))}
              </div>
            </Td>
            <Td>
              <code className="text-xs">{r.imageTag}</code>
            </Td>
            <Td>
              <div className="text-xs">{r.deployedBy ?? "—"}</div>
              <div className="text-xs text-zinc-500 dark:text-zinc-400" title={r.createdAt?.toISOString()}>
                {ago(r.createdAt)}
              </div>
              {r.changeRef && (
                <div className="text-xs">
                  {r.changeUrl ? (
                    <a
                      href={r.changeUrl}
                      className="text-indigo-600 hover:underline dark:text-indigo-400"
                      target="_blank"
                      rel="noreferrer"
                    >
                      {r.changeRef}
                    </a>
                  ) : (
                    r.changeRef
                  )}
                </div>
              )}
            </Td>
            <Td className="text-right font-semibold tabular-nums">
              {r.percent ? `${r.percent}%` : <span className="font-normal text-zinc-500 dark:text-zinc-400">0%</span>}
            </Td>
            <Td>
              <StatusBadge status={r.status} message={r.statusMessage} />
            </Td>
            <Td className="text-xs whitespace-nowrap">
              {r.cpu} vCPU · {r.memory}
            </Td>
            <Td className="text-xs whitespace-nowrap">
              {r.minInstances}–{r.maxInstances} · {r.concurrency}/inst · {r.timeoutSeconds}s
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
