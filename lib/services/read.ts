// Reads of services and revisions through the official Cloud Run v2 client.
// ListServices per location, all locations in parallel, in pages of
// LIST_PAGE_SIZE (the default of 100 made a large location several calls one
// after another), briefly cached and shared between concurrent viewers.
import { TtlCache } from "../cache";
import { runClients, type RunClients } from "../gcp/clients";
import { readWithRetry, upstreamError } from "../gcp/errors";
import type { Location } from "./locations";
import { toRevisionView, toServiceView, type RevisionView, type ServiceView } from "./model";
import { serviceName, type ServiceRef } from "./names";

export type LocationFailure = Location & { error: string };
export type Fleet = { services: ServiceView[]; failures: LocationFailure[]; fetchedAt: Date };

const CALL = { timeout: 15_000 };
/** Services per ListServices page: one call for all but the largest locations (Google caps it at its own maximum). */
export const LIST_PAGE_SIZE = 1000;
const locationCache = new TtlCache<ServiceView[]>(5_000);

export function invalidateFleet(project?: string): void {
  locationCache.invalidate(project ? `${project}/` : "");
}

async function listLocation(clients: RunClients, { project, region }: Location): Promise<ServiceView[]> {
  return locationCache.get(`${project}/${region}`, async () => {
    const [services] = await clients.services.listServices(
      { parent: `projects/${project}/locations/${region}`, pageSize: LIST_PAGE_SIZE },
      CALL,
    );
    return services.map(toServiceView);
  });
}

type FirstPage = { services: ServiceView[]; complete: boolean };

/**
 * One location's first `n` services, one call (autoPaginate off: exactly `n`
 * are asked for and decoded). A location that fits in its page is the whole
 * location and is cached as such, so listFleet does not read it again; a
 * cached location is answered from the cache.
 */
async function firstPageOf(clients: RunClients, { project, region }: Location, n: number): Promise<FirstPage> {
  const key = `${project}/${region}`;
  const cached = locationCache.peek(key);
  if (cached) return { services: await cached, complete: true };
  // A location seen larger than a page before: its whole list (which the page's header needs) starts now too.
  if (largeLocations.has(key)) listLocation(clients, { project, region }).catch(() => {});
  const [services, next] = await clients.services.listServices(
    { parent: `projects/${project}/locations/${region}`, pageSize: n },
    { ...CALL, autoPaginate: false },
  );
  const views = services.map(toServiceView);
  if (next) largeLocations.add(key);
  else locationCache.set(key, views);
  return { services: views, complete: !next };
}

/** Locations whose first page was not all of them (kept for the process's life; a handful of keys). */
const largeLocations = new Set<string>();

/**
 * The first `n` services of every location, for the fleet's first screen: one
 * page per location (a page of 30 decodes in a fraction of the time of 500).
 * ListServices answers in name order, so the first `n` of the whole fleet by
 * service id are among them. `complete` says whether these are all the
 * fleet's services.
 *
 * `locations` may still be on its way (read from the portal's database): the
 * pages of `likely` locations (those of the previous read) start at once,
 * alongside it, so the database read and the Google calls overlap. Only the
 * locations `locations` names are answered; one not among `likely` starts
 * once known, and a likely one no longer covered is left unused.
 */
export async function listFleetFirst(
  locations: Location[] | Promise<Location[]>,
  n: number,
  clients = runClients(),
  likely: Location[] = [],
): Promise<Fleet & { complete: boolean }> {
  const started = new Map(
    likely.map((l) => {
      const page = firstPageOf(clients, l, n);
      page.catch(() => {}); // answered (and its failure reported) only if still covered
      return [`${l.project}/${l.region}`, page];
    }),
  );
  const covered = await locations;
  const results = await Promise.allSettled(
    covered.map((l) => started.get(`${l.project}/${l.region}`) ?? firstPageOf(clients, l, n)),
  );
  const services: ServiceView[] = [];
  const failures: LocationFailure[] = [];
  let complete = true;
  results.forEach((r, i) => {
    if (r.status === "fulfilled") {
      services.push(...r.value.services);
      complete &&= r.value.complete;
    } else
      failures.push({
        ...covered[i],
        error: upstreamError(r.reason, "Cloud Run", `listing services in ${covered[i].project}/${covered[i].region}`)
          .message,
      });
  });
  services.sort(byIdThenProject);
  return { services: complete ? services : services.slice(0, n), failures, fetchedAt: new Date(), complete };
}

const byIdThenProject = (a: ServiceView, b: ServiceView) =>
  a.id.localeCompare(b.id) || a.project.localeCompare(b.project);

/** Every service in the given locations; a failing location is reported, not fatal. */
export async function listFleet(locations: Location[], clients = runClients()): Promise<Fleet> {
  const results = await Promise.allSettled(locations.map((l) => listLocation(clients, l)));
  const services: ServiceView[] = [];
  const failures: LocationFailure[] = [];
  results.forEach((r, i) => {
    if (r.status === "fulfilled") services.push(...r.value);
    else
      failures.push({
        ...locations[i],
        error: upstreamError(
          r.reason,
          "Cloud Run",
          `listing services in ${locations[i].project}/${locations[i].region}`,
        ).message,
      });
  });
  services.sort(byIdThenProject);
  return { services, failures, fetchedAt: new Date() };
}

export type ServiceDetail = { service: ServiceView; revisions: RevisionView[] };

export async function getService(ref: ServiceRef, clients = runClients()): Promise<ServiceDetail> {
  const name = serviceName(ref);
  try {
    const [[service], [revisions]] = await Promise.all([
      // A page with only a notice for one passing fault is worse than a second try.
      readWithRetry(() => clients.services.getService({ name }, CALL)),
      readWithRetry(() => clients.revisions.listRevisions({ parent: name }, CALL)),
    ]);
    const view = toServiceView(service);
    return {
      service: view,
      revisions: revisions
        .map((r) => toRevisionView(r, view.traffic))
        .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0)),
    };
  } catch (err) {
    throw upstreamError(err, "Cloud Run", `reading ${ref.service}`);
  }
}
