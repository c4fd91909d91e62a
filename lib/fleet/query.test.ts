// The fleet's search, filters and sort, shared by the browser (small fleets)
// and /api/fleet (large ones), on hand-made rows.
import { describe, expect, it } from "vitest";
import { fleetFacets, fleetFilterParams, needsMetrics, NO_FILTER, queryFleet } from "./query";
import type { FleetServiceRow } from "./view";

const row = (id: string, project: string, extra: Partial<FleetServiceRow> = {}): FleetServiceRow => ({
  name: `projects/${project}/locations/us-central1/services/${id}`,
  id,
  project,
  region: "us-central1",
  href: `/services/${project}/us-central1/${id}`,
  status: "ready",
  statusMessage: null,
  uri: null,
  traffic: [],
  imageTag: "v1",
  lastDeployedBy: null,
  lastDeployedAt: null,
  etag: "e",
  staleSplitHours: null,
  health: null,
  costMonthToDate: null,
  alerts: null,
  releasingPercent: null,
  ...extra,
});
const health = (requestsPerSecond: number, breaches: string[] = []) => ({
  project: "p",
  service: "s",
  requestsPerSecond,
  errorRate: 0,
  p95Ms: 10,
  p99Ms: 10,
  breaches,
});

const rows = [
  row("web", "shop", { costMonthToDate: 3, health: health(5), lastDeployedAt: "2026-11-02T00:00:00Z" }),
  row("api", "shop", {
    status: "failed",
    imageTag: "API-v2",
    costMonthToDate: 9,
    health: health(1, ["error rate 7 % > 5 %"]),
  }),
  row("api", "blog", { region: "europe-west4", staleSplitHours: 30, lastDeployedAt: "2026-11-20T00:00:00Z" }),
  row("worker", "blog", { status: "reconciling", health: health(9), alerts: { open: 2, policies: true } }),
];
const ids = (f: Partial<typeof NO_FILTER>) =>
  queryFleet(rows, { ...NO_FILTER, ...f }).map((r) => `${r.project}/${r.id}`);

describe("queryFleet", () => {
  it("sorts by name, then project, by default, without changing its input", () => {
    expect(ids({})).toEqual(["blog/api", "shop/api", "shop/web", "blog/worker"]);
    expect(rows[0].id).toBe("web");
  });
  it("searches service ids, projects and image tags (case-blind on tags)", () => {
    expect(ids({ q: "wor" })).toEqual(["blog/worker"]);
    expect(ids({ q: " blog " })).toEqual(["blog/api", "blog/worker"]);
    expect(ids({ q: "api-v2" })).toEqual(["shop/api"]);
  });
  it("filters on project, region and each status", () => {
    expect(ids({ project: "shop" })).toEqual(["shop/api", "shop/web"]);
    expect(ids({ region: "europe-west4" })).toEqual(["blog/api"]);
    expect(ids({ status: "failed" })).toEqual(["shop/api"]);
    expect(ids({ status: "split" })).toEqual(["blog/api"]);
    expect(ids({ status: "breaching" })).toEqual(["shop/api"]);
    expect(ids({ status: "incidents" })).toEqual(["blog/worker"]);
    expect(ids({ status: "ready", project: "shop" })).toEqual(["shop/web"]);
  });
  it("sorts problems first, newest deploy first, busiest and dearest first, ties by name", () => {
    expect(ids({ sort: "status" })).toEqual(["shop/api", "blog/worker", "blog/api", "shop/web"]);
    expect(ids({ sort: "deployed" })).toEqual(["blog/api", "shop/web", "shop/api", "blog/worker"]);
    expect(ids({ sort: "traffic" })).toEqual(["blog/worker", "shop/web", "shop/api", "blog/api"]);
    expect(ids({ sort: "cost" })).toEqual(["shop/api", "shop/web", "blog/api", "blog/worker"]);
    expect(ids({ sort: "project" })).toEqual(["blog/api", "blog/worker", "shop/api", "shop/web"]);
  });
});

describe("the filter's other helpers", () => {
  it("offers each project and region once, sorted", () => {
    expect(fleetFacets(rows)).toEqual({ projects: ["blog", "shop"], regions: ["europe-west4", "us-central1"] });
  });
  it("puts only what differs from the defaults in the query string", () => {
    expect(fleetFilterParams(NO_FILTER).toString()).toBe("");
    expect(fleetFilterParams({ ...NO_FILTER, q: "a b", sort: "cost" }).toString()).toBe("q=a+b&sort=cost");
  });
  it("needs health and cost only to sort on them or to filter on breaches", () => {
    expect([
      needsMetrics(NO_FILTER),
      needsMetrics({ ...NO_FILTER, sort: "cost" }),
      needsMetrics({ ...NO_FILTER, status: "breaching" }),
      needsMetrics({ ...NO_FILTER, status: "failed" }),
      needsMetrics({ ...NO_FILTER, status: "incidents" }),
    ]).toEqual([false, true, true, false, true]);
  });
});
