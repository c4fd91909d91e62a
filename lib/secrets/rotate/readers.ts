// Which services read a secret: every service of the project (in the covered
// regions) whose configuration has an env var from it. Read fresh, not from
// the fleet cache: the rotation acts on what this finds.
import type { protos } from "@google-cloud/run";
import type { Db } from "../../db";
import { runClients, type RunClients } from "../../gcp/clients";
import { upstreamError } from "../../gcp/errors";
import { listLocations, type Location } from "../../services/locations";
import { parseServiceName, shortName } from "../../services/names";

type Container = protos.google.cloud.run.v2.IContainer;

/** The service annotation that remembers where a service is checked after a rotation. */
export const CHECK_PATH_ANNOTATION = "runway.dev/check-path";

export type Reader = {
  service: string;
  id: string;
  region: string;
  envs: { name: string; version: string }[];
  checkPath: string;
};

/** `db-password` or `projects/p/secrets/db-password`, in the same project. */
export function readsSecret(ref: string | null | undefined, project: string, secret: string): boolean {
  return ref === secret || ref === `projects/${project}/secrets/${secret}`;
}

export function secretEnvs(
  containers: Container[] | null | undefined,
  project: string,
  secret: string,
): { name: string; version: string }[] {
  return (containers ?? []).flatMap((c) =>
    (c.env ?? []).flatMap((e) =>
      readsSecret(e.valueSource?.secretKeyRef?.secret, project, secret)
        ? [{ name: e.name ?? "", version: e.valueSource!.secretKeyRef!.version || "latest" }]
        : [],
    ),
  );
}

export async function findReaders(
  clients: RunClients,
  locations: Location[],
  project: string,
  secret: string,
): Promise<Reader[]> {
  const regions = [...new Set(locations.filter((l) => l.project === project).map((l) => l.region))];
  const lists = await Promise.all(
    regions.map((region) =>
      clients.services.listServices({ parent: `projects/${project}/locations/${region}` }, { timeout: 15_000 }).then(
        ([s]) => s,
        (err) => {
          throw upstreamError(err, "Cloud Run", `listing services in ${project}/${region}`);
        },
      ),
    ),
  );
  return lists
    .flat()
    .flatMap((s) => {
      const envs = secretEnvs(s.template?.containers, project, secret);
      const ref = parseServiceName(s.name ?? "");
      if (!envs.length || !ref) return [];
      return [
        {
          service: s.name!,
          id: shortName(s.name),
          region: ref.region,
          envs,
          checkPath: s.annotations?.[CHECK_PATH_ANNOTATION] || "/",
        },
      ];
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The readers in the regions the fleet covers, for the secret's page. */
export async function readersInFleet(
  db: Db,
  project: string,
  secret: string,
  clients = runClients(),
): Promise<Reader[]> {
  return findReaders(clients, await listLocations(db), project, secret);
}
