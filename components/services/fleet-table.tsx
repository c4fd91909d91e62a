"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Input, Select } from "@/components/ui/field";
import { EmptyState } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import type { FleetServiceRow } from "@/lib/fleet";
import type { ServiceHealth } from "@/lib/observability";
import { SendAllToLatestButton } from "./send-all-to-latest-button";
import { StatusBadge } from "./status-badge";
import { TrafficBar } from "./traffic-bar";

/** A fleet row from lib, with its deploy time already worded on the server (no hydration drift). */
export type FleetRow = FleetServiceRow & { lastDeployedAgo: string };

type SortKey = "name" | "project" | "status" | "deployed" | "traffic" | "cost";

const STATUS_ORDER = { failed: 0, reconciling: 1, unknown: 2, ready: 3 };

export function FleetTable({ rows, canAct }: { rows: FleetRow[]; canAct: boolean }) {
  const [q, setQ] = useState("");
  const [project, setProject] = useState("");
  const [region, setRegion] = useState("");
  const [status, setStatus] = useState("");
  const [sort, setSort] = useState<SortKey>("name");
  const projects = useMemo(() => [...new Set(rows.map((r) => r.project))].sort(), [rows]);
  const regions = useMemo(() => [...new Set(rows.map((r) => r.region))].sort(), [rows]);

  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const filtered = rows.filter(
      (r) =>
        (!needle || r.id.includes(needle) || r.project.includes(needle) || r.imageTag.toLowerCase().includes(needle)) &&
        (!project || r.project === project) &&
        (!region || r.region === region) &&
        (!status || (status === "split" ? r.staleSplitHours !== null : status === "breaching" ? (r.health?.breaches.length ?? 0) > 0 : r.status === status)),
    );
    const by: Record<SortKey, (a: FleetRow, b: FleetRow) => number> = {
      name: (a, b) => a.id.localeCompare(b.id),
      traffic: (a, b) => (b.health?.requestsPerSecond ?? 0) - (a.health?.requestsPerSecond ?? 0),
      cost: (a, b) => (b.costMonthToDate ?? 0) - (a.costMonthToDate ?? 0),
      project: (a, b) => a.project.localeCompare(b.project) || a.id.localeCompare(b.id),
      status: (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.id.localeCompare(b.id),
      deployed: (a, b) => (b.lastDeployedAt ?? "").localeCompare(a.lastDeployedAt ?? ""),
    };
    return filtered.sort(by[sort]);
  }, [rows, q, project, region, status, sort]);

  return (
    <>
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800" role="search">
        <Input type="search" placeholder="Search services, projects, tags…" aria-label="Search services" value={q} onChange={(e) => setQ(e.target.value)} className="w-64" />
        <Select aria-label="Project" className="w-44" value={project} onChange={(e) => setProject(e.target.value)}>
          <option value="">All projects</option>
          {projects.map((p) => <option key={p}>{p}</option>)}
        </Select>
        <Select aria-label="Region" className="w-36" value={region} onChange={(e) => setRegion(e.target.value)}>
          <option value="">All regions</option>
          {regions.map((r) => <option key={r}>{r}</option>)}
        </Select>
        <Select aria-label="Status" className="w-44" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any status</option>
          <option value="ready">ready</option>
          <option value="failed">failed</option>
          <option value="reconciling">reconciling</option>
          <option value="split">split left in place</option>
          <option value="breaching">breaching alert thresholds</option>
        </Select>
        <Select aria-label="Sort by" className="w-52" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
          <option value="name">Sort: name</option>
          <option value="project">Sort: project</option>
          <option value="status">Sort: status (problems first)</option>
          <option value="deployed">Sort: last deployed</option>
          <option value="traffic">Sort: busiest</option>
          <option value="cost">Sort: most expensive</option>
        </Select>
        <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400">{shown.length} of {rows.length} services</span>
      </div>
      {shown.length === 0 ? (
        <EmptyState title="No service matches these filters." />
      ) : (
        <Table caption={`Services, ${shown.length} of ${rows.length}: status, traffic split, last 5 minutes of requests, errors and p95, cost, image and last deploy`}>
          <thead>
            <tr><Th>Service</Th><Th>Status</Th><Th className="w-72">Serving</Th><Th className="text-right" title="Last 5 minutes">Req/s</Th><Th className="text-right" title="5xx share, last 5 minutes">Errors</Th><Th className="text-right" title="Last 5 minutes">p95</Th><Th className="text-right" title="Month to date, list prices, free tier applied">Cost</Th><Th>Image</Th><Th>Last deployed</Th></tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.name} data-testid={`fleet-row-${r.id}`} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
                <Td>
                  <Link href={r.href} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{r.id}</Link>
                  <div className="text-xs text-zinc-500 dark:text-zinc-400">{r.project} · {r.region}</div>
                  {r.uri && <a href={r.uri} target="_blank" rel="noreferrer" title={r.uri} className="block max-w-80 truncate font-mono text-[11px] text-zinc-500 hover:underline dark:text-zinc-400">{r.uri.replace(/^https?:\/\//, "")}</a>}
                </Td>
                <Td>
                  <StatusBadge status={r.status} message={r.statusMessage} />
                  {r.health?.breaches.map((b) => <div key={b} className="mt-1"><Badge tone="red">{b}</Badge></div>)}
                </Td>
                <Td>
                  <TrafficBar traffic={r.traffic} compact />
                  {r.staleSplitHours !== null && (
                    <div className="mt-1.5 flex flex-wrap items-center gap-2">
                      <Badge tone="amber">split for {Math.floor(r.staleSplitHours)} h</Badge>
                      {canAct && <SendAllToLatestButton name={r.name} etag={r.etag} compact />}
                    </div>
                  )}
                </Td>
                <HealthCells health={r.health} />
                <Td className="text-right tabular-nums">{r.costMonthToDate === null ? <span className="text-zinc-500 dark:text-zinc-400">—</span> : `$${r.costMonthToDate.toFixed(2)}`}</Td>
                <Td><code className="text-xs">{r.imageTag}</code></Td>
                <Td>
                  <div className="text-xs">{r.lastDeployedBy ?? "—"}</div>
                  <div className="text-xs text-zinc-500 dark:text-zinc-400" title={r.lastDeployedAt ?? undefined}>{r.lastDeployedAgo}</div>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

function HealthCells({ health }: { health: ServiceHealth | null }) {
  const dash = <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  const breached = (test: string) => health?.breaches.some((b) => b.startsWith(test)) ? "font-semibold text-red-600 dark:text-red-400" : "";
  return (
    <>
      <Td className="text-right tabular-nums">{health ? health.requestsPerSecond.toFixed(2) : dash}</Td>
      <Td className={`text-right tabular-nums ${breached("error")}`}>{health?.errorRate != null ? `${(health.errorRate * 100).toFixed(1)}%` : dash}</Td>
      <Td className={`text-right tabular-nums ${breached("p99")}`}>{health?.p95Ms != null ? `${Math.round(health.p95Ms)} ms` : dash}</Td>
    </>
  );
}
