"use client";
// The fleet table. The page's HTML carries its first rows (FIRST_SCREEN_ROWS);
// when the fleet is larger the rest comes from /api/fleet after the first
// screen has shown, and health and cost from /api/fleet/metrics whenever they
// are ready (one slow Monitoring project never holds the list). Search, filters
// and sort (lib/fleet/query) run in the browser for small fleets and on the
// server, a page of rows at a time, past SERVER_SIDE_OVER services; past
// VIRTUALIZE_OVER rows only those near the viewport are in the DOM
// (@tanstack/react-virtual, window scrolling).

import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type Ref } from "react";
import { Badge } from "@/components/ui/badge";
import { Input, Select } from "@/components/ui/field";
import { EmptyState, Notice } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import type { FleetMetrics, FleetPage, FleetServiceRow } from "@/lib/fleet";
import {
  fleetFacets,
  fleetFilterParams,
  NO_FILTER,
  queryFleet,
  SERVER_SIDE_OVER,
  type FleetFilter,
  type FleetSort,
} from "@/lib/fleet/query";
import { withMetrics } from "@/lib/fleet/rows";
import { formatMoney } from "@/lib/cost/format";
import type { ServiceHealth } from "@/lib/observability";
import { SendAllToLatestButton } from "./send-all-to-latest-button";
import { StatusBadge } from "./status-badge";
import { TrafficBar } from "./traffic-bar";

/** A fleet row from lib, with its deploy time already worded on the server (no hydration drift). */
export type FleetRow = FleetServiceRow & { lastDeployedAgo: string };
type RowsPage = Omit<FleetPage, "rows"> & { rows: FleetRow[] };

const VIRTUALIZE_OVER = 60;
const ROW_ESTIMATE_PX = 76;
/** Rows per /api/fleet page when the server filters (large fleets). */
const PAGE_ROWS = 100;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `${url} answered ${res.status}`);
  return body as T;
}

/** What the table shows: matching rows so far (in order), how many match, and the filter menus' choices. */
type Shown = {
  rows: FleetRow[];
  matched: number;
  total: number | null;
  projects: string[];
  regions: string[];
  loadingRest: boolean;
  error: Error | null;
  more?: () => void;
};

/** Small fleets: every service in the browser, filtered and sorted there (instant). */
function useFleetInBrowser(
  initialRows: FleetRow[],
  total: number,
  filter: FleetFilter,
  metrics: FleetMetrics | undefined,
  enabled: boolean,
): Shown {
  const complete = initialRows.length >= total;
  const list = useQuery({
    queryKey: ["fleet-list"],
    queryFn: () => getJson<{ rows: FleetRow[] }>("/api/fleet"),
    enabled: enabled && !complete,
    staleTime: 5_000,
  });
  const listed = list.data?.rows ?? initialRows;
  const rows = useMemo(() => listed.map((r) => withMetrics(r, metrics)), [listed, metrics]);
  const shown = useMemo(() => queryFleet(rows, filter), [rows, filter]);
  return {
    rows: shown,
    matched: shown.length,
    total: list.data ? rows.length : total,
    ...fleetFacets(rows),
    loadingRest: !complete && !list.data && !list.error,
    error: list.error,
  };
}

/**
 * Large fleets (or one whose size is not known yet): the server searches,
 * filters and sorts; pages of rows arrive as the table scrolls.
 */
function useFleetOnServer(
  initialRows: FleetRow[],
  total: number | null,
  filter: FleetFilter,
  metrics: FleetMetrics | undefined,
  enabled: boolean,
): Shown {
  const params = fleetFilterParams(filter).toString();
  const first = useMemo<RowsPage>(
    () => ({
      rows: initialRows,
      matched: total ?? initialRows.length,
      total: total ?? initialRows.length,
      ...fleetFacets(initialRows),
    }),
    [initialRows, total],
  );
  const pages = useInfiniteQuery({
    queryKey: ["fleet-page", params],
    queryFn: ({ pageParam }) =>
      getJson<RowsPage>(`/api/fleet?${params}${params ? "&" : ""}offset=${pageParam}&limit=${PAGE_ROWS}`),
    initialPageParam: 0,
    getNextPageParam: (last, all) => {
      const loaded = all.reduce((n, p) => n + p.rows.length, 0);
      return loaded < last.matched ? loaded : undefined;
    },
    // The page's HTML already holds the first rows of the unfiltered fleet (and, when known, its size).
    initialData: params || total === null ? undefined : { pages: [first], pageParams: [0] },
    placeholderData: keepPreviousData,
    staleTime: 5_000,
    enabled,
  });
  const loaded = useMemo(() => pages.data?.pages ?? [first], [pages.data, first]);
  const last = loaded[loaded.length - 1];
  const rows = useMemo(() => loaded.flatMap((p) => p.rows).map((r) => withMetrics(r, metrics)), [loaded, metrics]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  return {
    rows,
    matched: last.matched,
    total: pages.data ? last.total : total,
    projects: last.projects.length > first.projects.length ? last.projects : first.projects,
    regions: last.regions.length > first.regions.length ? last.regions : first.regions,
    loadingRest: pages.isFetching,
    error: pages.error,
    more: hasNextPage && !isFetchingNextPage ? () => void fetchNextPage() : undefined,
  };
}

/** `total` is null when the page's first rows are not the whole fleet and its size is not known yet: the server's first page says. */
export function FleetTable({
  initialRows,
  total: totalKnown,
  canAct,
}: {
  initialRows: FleetRow[];
  total: number | null;
  canAct: boolean;
}) {
  const [sized, setSized] = useState<number | null>(null);
  const total = totalKnown ?? sized;
  const serverSide = total === null || total > SERVER_SIDE_OVER;
  const metrics = useQuery({
    queryKey: ["fleet-metrics"],
    queryFn: () => getJson<FleetMetrics>("/api/fleet/metrics"),
    staleTime: 15_000,
  });
  const [filter, setFilter] = useState<FleetFilter>(NO_FILTER);
  const set = (change: Partial<FleetFilter>) => setFilter((f) => ({ ...f, ...change }));
  // The rows show before the script has run: what was typed or chosen by then is taken up once it has.
  const toolbar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const early: Record<string, string> = {};
    for (const el of toolbar.current?.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
      "input[name], select[name]",
    ) ?? []) {
      if (el.value !== NO_FILTER[el.name as keyof FleetFilter]) early[el.name] = el.value;
    }
    // Syncing from the DOM as hydration finds it, once: there is no event to subscribe to.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (Object.keys(early).length) setFilter((f) => ({ ...f, ...early }));
  }, []);
  // Typing asks the server at the pace React can keep up with, not per keystroke.
  const q = useDeferredValue(filter.q);
  const asked = useMemo(() => ({ ...filter, q }), [filter, q]);
  const inBrowser = useFleetInBrowser(initialRows, total ?? initialRows.length, asked, metrics.data, !serverSide);
  const onServer = useFleetOnServer(initialRows, total, asked, metrics.data, serverSide);
  useEffect(() => {
    // Latched once: the size the server's first page reports decides where filtering runs from then on.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (total === null && onServer.total !== null) setSized(onServer.total);
  }, [total, onServer.total]);
  const shown = serverSide ? onServer : inBrowser;
  const of = shown.total ?? "…";

  return (
    <>
      <div
        ref={toolbar}
        className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800"
        role="search"
      >
        <Input
          type="search"
          placeholder="Search services, projects, tags…"
          aria-label="Search services"
          name="q"
          value={filter.q}
          onChange={(e) => set({ q: e.target.value })}
          className="w-64"
        />
        <Select
          aria-label="Project"
          name="project"
          className="w-44"
          value={filter.project}
          onChange={(e) => set({ project: e.target.value })}
        >
          <option value="">All projects</option>
          {shown.projects.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </Select>
        <Select
          aria-label="Region"
          name="region"
          className="w-36"
          value={filter.region}
          onChange={(e) => set({ region: e.target.value })}
        >
          <option value="">All regions</option>
          {shown.regions.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </Select>
        <Select
          aria-label="Status"
          name="status"
          className="w-44"
          value={filter.status}
          onChange={(e) => set({ status: e.target.value as FleetFilter["status"] })}
        >
          <option value="">Any status</option>
          <option value="ready">ready</option>
          <option value="failed">failed</option>
          <option value="reconciling">reconciling</option>
          <option value="split">split left in place</option>
          <option value="incidents">with open incidents</option>
          <option value="breaching">breaching the fixed thresholds</option>
        </Select>
        <Select
          aria-label="Sort by"
          name="sort"
          className="w-52"
          value={filter.sort}
          onChange={(e) => set({ sort: e.target.value as FleetSort })}
        >
          <option value="name">Sort: name</option>
          <option value="project">Sort: project</option>
          <option value="status">Sort: status (problems first)</option>
          <option value="deployed">Sort: last deployed</option>
          <option value="traffic">Sort: busiest</option>
          <option value="cost">Sort: most expensive</option>
        </Select>
        <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400" aria-live="polite">
          {shown.total === null ? `first ${shown.rows.length}` : shown.matched} of {of} services
          {shown.loadingRest && (serverSide ? " (loading…)" : " (loading the rest…)")}
          {metrics.isPending && " · health and cost loading…"}
        </span>
      </div>
      {(metrics.error || shown.error) && (
        <div className="space-y-1 px-4 py-2">
          {shown.error && (
            <Notice tone="error">
              {serverSide
                ? "The fleet could not be searched"
                : `Only the first ${initialRows.length} services are shown`}
              : {shown.error.message}
            </Notice>
          )}
          {metrics.error && <Notice tone="error">Health and cost: {metrics.error.message}</Notice>}
        </div>
      )}
      {metrics.data &&
        metrics.data.failures.health.length + metrics.data.failures.cost.length + metrics.data.failures.alerts.length >
          0 && (
          <div className="space-y-1 px-4 py-2">
            {metrics.data.failures.health.map((f) => (
              <Notice key={`health-${f.project}`} tone="error">
                Request metrics of {f.project}: {f.error}
              </Notice>
            ))}
            {metrics.data.failures.cost.map((f) => (
              <Notice key={`cost-${f}`} tone="error">
                Costs: {f}
              </Notice>
            ))}
            {metrics.data.failures.alerts.map((f) => (
              <Notice key={`alerts-${f.project}`} tone="error">
                Alert policies of {f.project}: {f.error}
              </Notice>
            ))}
          </div>
        )}
      {shown.matched === 0 ? (
        <EmptyState title="No service matches these filters." />
      ) : (
        <Table
          caption={`Services, ${shown.matched} of ${of}: status, traffic split, last 5 minutes of requests, errors and p95, cost, image and last deploy`}
        >
          <thead>
            <tr>
              <Th>Service</Th>
              <Th>Status</Th>
              <Th className="w-72">Serving</Th>
              <Th className="text-right" title="Last 5 minutes">
                Req/s
              </Th>
              <Th className="text-right" title="5xx share, last 5 minutes">
                Errors
              </Th>
              <Th className="text-right" title="Last 5 minutes">
                p95
              </Th>
              <Th className="text-right" title="Month to date, list prices, free tier applied">
                Cost
              </Th>
              <Th>Image</Th>
              <Th>Last deployed</Th>
            </tr>
          </thead>
          {shown.matched > VIRTUALIZE_OVER ? (
            <VirtualBody
              rows={shown.rows}
              count={serverSide && shown.total !== null ? shown.matched : shown.rows.length}
              more={shown.more}
              canAct={canAct}
            />
          ) : (
            <tbody>
              {shown.rows.map((r) => (
                <FleetRowView key={r.name} row={r} canAct={canAct} />
              ))}
            </tbody>
          )}
        </Table>
      )}
    </>
  );
}

/**
 * Only the rows near the viewport, with spacer rows standing for the others.
 * `count` may exceed the rows loaded so far (server pages): rows not loaded yet
 * show as placeholders, and reaching them asks for `more`.
 */
function VirtualBody({
  rows,
  count,
  more,
  canAct,
}: {
  rows: FleetRow[];
  count: number;
  more?: () => void;
  canAct: boolean;
}) {
  const body = useRef<HTMLTableSectionElement>(null);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => setMargin((body.current?.getBoundingClientRect().top ?? 0) + window.scrollY), []);
  const virtual = useWindowVirtualizer({
    count,
    estimateSize: () => ROW_ESTIMATE_PX,
    overscan: 10,
    scrollMargin: margin,
    getItemKey: (i) => rows[i]?.name ?? `pending-${i}`,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : 0;
  useEffect(() => {
    if (more && lastIndex >= rows.length - 1) more();
  }, [more, lastIndex, rows.length]);
  const top = items.length ? items[0].start - margin : 0;
  const bottom = items.length ? virtual.getTotalSize() - (items[items.length - 1].end - margin) : 0;
  return (
    <tbody ref={body}>
      {top > 0 && <tr aria-hidden style={{ height: top }} />}
      {items.map((item) =>
        rows[item.index] ? (
          <FleetRowView
            key={item.key}
            row={rows[item.index]}
            canAct={canAct}
            index={item.index}
            measure={virtual.measureElement}
          />
        ) : (
          <tr key={item.key} aria-hidden style={{ height: ROW_ESTIMATE_PX }}>
            <td colSpan={9} className="px-4 text-xs text-zinc-500 dark:text-zinc-400">
              Loading…
            </td>
          </tr>
        ),
      )}
      {bottom > 0 && <tr aria-hidden style={{ height: bottom }} />}
    </tbody>
  );
}

function FleetRowView({
  row: r,
  canAct,
  index,
  measure,
}: {
  row: FleetRow;
  canAct: boolean;
  index?: number;
  measure?: Ref<HTMLTableRowElement>;
}) {
  return (
    <tr
      ref={measure}
      data-index={index}
      data-testid={`fleet-row-${r.id}`}
      className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40"
    >
      <Td>
        <Link href={r.href} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
          {r.id}
        </Link>
        <div className="text-xs text-zinc-500 dark:text-zinc-400">
          {r.project} · {r.region}
        </div>
        {r.uri && (
          <a
            href={r.uri}
            target="_blank"
            rel="noreferrer"
            title={r.uri}
            className="block max-w-80 truncate font-mono text-[11px] text-zinc-500 hover:underline dark:text-zinc-400"
          >
            {r.uri.replace(/^https?:\/\//, "")}
          </a>
        )}
      </Td>
      <Td>
        <StatusBadge status={r.status} message={r.statusMessage} />
        {(r.alerts?.open ?? 0) > 0 && (
          <div className="mt-1">
            <Link
              href={`/incidents?project=${r.project}&service=${r.id}&state=open`}
              className="rounded focus-visible:outline-2"
            >
              <Badge tone="red">
                {r.alerts!.open} open incident{r.alerts!.open === 1 ? "" : "s"}
              </Badge>
            </Link>
          </div>
        )}
        {r.health?.breaches.map((b) => (
          <div key={b} className="mt-1" title="Fixed threshold: this service has no alert policy of its own">
            <Badge tone="amber">{b} (fixed threshold)</Badge>
          </div>
        ))}
      </Td>
      <Td>
        <TrafficBar traffic={r.traffic} compact />
        {r.releasingPercent !== null && (
          <div className="mt-1.5">
            <Badge tone="indigo">releasing {r.releasingPercent} %</Badge>
          </div>
        )}
        {r.staleSplitHours !== null && r.releasingPercent === null && (
          <div className="mt-1.5 flex flex-wrap items-center gap-2">
            <Badge tone="amber">split for {Math.floor(r.staleSplitHours)} h</Badge>
            {canAct && <SendAllToLatestButton name={r.name} etag={r.etag} compact />}
          </div>
        )}
      </Td>
      <HealthCells health={r.health} />
      <Td className="text-right tabular-nums">
        {r.costMonthToDate === null ? (
          <span className="text-zinc-500 dark:text-zinc-400">—</span>
        ) : (
          formatMoney(r.costMonthToDate, r.costCurrency)
        )}
        {r.costFlag && (
          <div>
            <Link
              href="/costs#variance"
              title={r.costFlag}
              className="text-xs font-medium text-amber-700 underline-offset-2 hover:underline dark:text-amber-300"
              data-testid={`cost-flag-${r.id}`}
            >
              ▲ {r.costFlag.split(",")[0]}
            </Link>
          </div>
        )}
      </Td>
      <Td>
        <code className="text-xs">{r.imageTag}</code>
      </Td>
      <Td>
        <div className="text-xs">{r.lastDeployedBy ?? "—"}</div>
        <div className="text-xs text-zinc-500 dark:text-zinc-400" title={r.lastDeployedAt ?? undefined}>
          {r.lastDeployedAgo}
        </div>
      </Td>
    </tr>
  );
}

function HealthCells({ health }: { health: ServiceHealth | null }) {
  const dash = <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  const breached = (test: string) =>
    health?.breaches.some((b) => b.startsWith(test)) ? "font-semibold text-red-600 dark:text-red-400" : "";
  return (
    <>
      <Td className="text-right tabular-nums">{health ? health.requestsPerSecond.toFixed(2) : dash}</Td>
      <Td className={`text-right tabular-nums ${breached("error")}`}>
        {health?.errorRate != null ? `${(health.errorRate * 100).toFixed(1)}%` : dash}
      </Td>
      <Td className={`text-right tabular-nums ${breached("p99")}`}>
        {health?.p95Ms != null ? `${Math.round(health.p95Ms)} ms` : dash}
      </Td>
    </>
  );
}
