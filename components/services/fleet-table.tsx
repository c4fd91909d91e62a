"use client";
// The fleet table. The page's HTML carries its first rows (FIRST_SCREEN_ROWS);
// when the fleet is larger the rest comes from /api/fleet after the first
// screen has shown, and health and cost from /api/fleet/metrics whenever they
// are ready (one slow Monitoring project never holds the list). Search, filters
// and sort run over all services; past VIRTUALIZE_OVER rows only those near the
// viewport are in the DOM (@tanstack/react-virtual, window scrolling).

import { useQuery } from "@tanstack/react-query";
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useLayoutEffect, useMemo, useRef, useState, type Ref } from "react";
import { Badge } from "@/components/ui/badge";
import { Input, Select } from "@/components/ui/field";
import { EmptyState, Notice } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import type { FleetMetrics, FleetServiceRow } from "@/lib/fleet";
import { withMetrics } from "@/lib/fleet/rows";
import type { ServiceHealth } from "@/lib/observability";
import { SendAllToLatestButton } from "./send-all-to-latest-button";
import { StatusBadge } from "./status-badge";
import { TrafficBar } from "./traffic-bar";

/** A fleet row from lib, with its deploy time already worded on the server (no hydration drift). */
export type FleetRow = FleetServiceRow & { lastDeployedAgo: string };

type SortKey = "name" | "project" | "status" | "deployed" | "traffic" | "cost";

const STATUS_ORDER = { failed: 0, reconciling: 1, unknown: 2, ready: 3 };
const VIRTUALIZE_OVER = 60;
const ROW_ESTIMATE_PX = 76;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `${url} answered ${res.status}`);
  return body as T;
}

export function FleetTable({ initialRows, total, canAct }: { initialRows: FleetRow[]; total: number; canAct: boolean }) {
  const complete = initialRows.length >= total;
  const list = useQuery({ queryKey: ["fleet-list"], queryFn: () => getJson<{ rows: FleetRow[] }>("/api/fleet"), enabled: !complete, staleTime: 5_000 });
  const metrics = useQuery({ queryKey: ["fleet-metrics"], queryFn: () => getJson<FleetMetrics>("/api/fleet/metrics"), staleTime: 15_000 });
  const listed = list.data?.rows ?? initialRows;
  const rows = useMemo(() => listed.map((r) => withMetrics(r, metrics.data)), [listed, metrics.data]);
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
        <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400">
          {shown.length} of {list.data ? rows.length : total} services
          {!complete && !list.data && !list.error && " (loading the rest…)"}
          {metrics.isPending && " · health and cost loading…"}
        </span>
      </div>
      {(metrics.error || list.error) && (
        <div className="space-y-1 px-4 py-2">
          {list.error && <Notice tone="error">Only the first {initialRows.length} services are shown: {list.error.message}</Notice>}
          {metrics.error && <Notice tone="error">Health and cost: {metrics.error.message}</Notice>}
        </div>
      )}
      {metrics.data && metrics.data.failures.health.length + metrics.data.failures.cost.length > 0 && (
        <div className="space-y-1 px-4 py-2">
          {metrics.data.failures.health.map((f) => <Notice key={`health-${f.project}`} tone="error">Request metrics of {f.project}: {f.error}</Notice>)}
          {metrics.data.failures.cost.map((f) => <Notice key={`cost-${f}`} tone="error">Costs: {f}</Notice>)}
        </div>
      )}
      {shown.length === 0 ? (
        <EmptyState title="No service matches these filters." />
      ) : (
        <Table caption={`Services, ${shown.length} of ${list.data ? rows.length : total}: status, traffic split, last 5 minutes of requests, errors and p95, cost, image and last deploy`}>
          <thead>
            <tr><Th>Service</Th><Th>Status</Th><Th className="w-72">Serving</Th><Th className="text-right" title="Last 5 minutes">Req/s</Th><Th className="text-right" title="5xx share, last 5 minutes">Errors</Th><Th className="text-right" title="Last 5 minutes">p95</Th><Th className="text-right" title="Month to date, list prices, free tier applied">Cost</Th><Th>Image</Th><Th>Last deployed</Th></tr>
          </thead>
          {shown.length > VIRTUALIZE_OVER ? (
            <VirtualBody rows={shown} canAct={canAct} />
          ) : (
            <tbody>{shown.map((r) => <FleetRowView key={r.name} row={r} canAct={canAct} />)}</tbody>
          )}
        </Table>
      )}
    </>
  );
}

/** Only the rows near the viewport, with spacer rows standing for the others. */
function VirtualBody({ rows, canAct }: { rows: FleetRow[]; canAct: boolean }) {
  const body = useRef<HTMLTableSectionElement>(null);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => setMargin((body.current?.getBoundingClientRect().top ?? 0) + window.scrollY), []);
  const virtual = useWindowVirtualizer({ count: rows.length, estimateSize: () => ROW_ESTIMATE_PX, overscan: 10, scrollMargin: margin, getItemKey: (i) => rows[i].name });
  const items = virtual.getVirtualItems();
  const top = items.length ? items[0].start - margin : 0;
  const bottom = items.length ? virtual.getTotalSize() - (items[items.length - 1].end - margin) : 0;
  return (
    <tbody ref={body}>
      {top > 0 && <tr aria-hidden style={{ height: top }} />}
      {items.map((item) => <FleetRowView key={item.key} row={rows[item.index]} canAct={canAct} index={item.index} measure={virtual.measureElement} />)}
      {bottom > 0 && <tr aria-hidden style={{ height: bottom }} />}
    </tbody>
  );
}

function FleetRowView({ row: r, canAct, index, measure }: { row: FleetRow; canAct: boolean; index?: number; measure?: Ref<HTMLTableRowElement> }) {
  return (
    <tr ref={measure} data-index={index} data-testid={`fleet-row-${r.id}`} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
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
