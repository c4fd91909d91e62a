// Each service keeps the history of its releases: canary, outcome and why.
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import type { ReleaseJson } from "@/lib/releases";

type Row = Omit<ReleaseJson, "checks" | "decisions">;

export function ReleaseHistory({ releases, serviceId }: { releases: Row[]; serviceId: string }) {
  if (!releases.length) return <p className="px-4 py-3 text-sm text-zinc-500 dark:text-zinc-400">No releases yet.</p>;
  return (
    <Table caption={`Releases of ${serviceId}, newest first`}>
      <thead>
        <tr>
          <Th>Started</Th>
          <Th>Canary</Th>
          <Th>Steps</Th>
          <Th>Outcome</Th>
          <Th>Why</Th>
        </tr>
      </thead>
      <tbody>
        {releases.map((r) => (
          <tr key={r.id}>
            <Td className="whitespace-nowrap font-mono text-xs">{r.createdAt.slice(0, 16).replace("T", " ")} UTC</Td>
            <Td>
              <code className="text-xs">{r.canary}</code>
            </Td>
            <Td className="text-xs">{r.plan.steps.join(" → ")} %</Td>
            <Td>
              <Badge
                tone={
                  r.state === "promoted" ? "green" : r.state === "aborted" || r.state === "failed" ? "red" : "indigo"
                }
              >
                {r.state === "observing" ? `at ${r.plan.steps[r.stepIndex]} %` : r.state}
              </Badge>
            </Td>
            <Td className="text-xs">{r.note ?? ""}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
