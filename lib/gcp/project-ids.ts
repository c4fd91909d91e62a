// Google names a project by number in some answers (a budget's filter is
// always `projects/{number}`), while the portal keys everything on project
// ids. Resource Manager's GetProject maps one to the other; a project's number
// never changes, so each answer is kept for a day. A project the portal may
// not read (PERMISSION_DENIED, which is also Google's answer for one that does
// not exist) keeps its number, and is asked again after a few minutes.
import "server-only";
import type { ProjectsClient } from "@google-cloud/resource-manager";
import { TtlCache } from "../cache";
import { grpcCode, upstreamError } from "./errors";

// Per client: one per process and target (clients.ts), so one Google side never answers for another.
const caches = new WeakMap<ProjectsClient, { ids: TtlCache<string>; unreadable: TtlCache<string> }>();
const cachesOf = (client: ProjectsClient) =>
  caches.get(client) ??
  caches
    .set(client, { ids: new TtlCache<string>(24 * 3600_000, 5000), unreadable: new TtlCache<string>(5 * 60_000, 5000) })
    .get(client)!;
const NUMBER = /^\d+$/;
const PERMISSION_DENIED = 7;
const NOT_FOUND = 5;

/** A project id for `project` (an id, returned as it is, or a number). */
export async function projectIdOf(client: ProjectsClient, project: string): Promise<string> {
  if (!NUMBER.test(project)) return project;
  const { ids, unreadable } = cachesOf(client);
  const key = project;
  if (unreadable.peek(key)) return project;
  try {
    return await ids.get(key, async () => {
      const [p] = await client.getProject({ name: `projects/${project}` }, { timeout: 20_000 });
      return p.projectId || project;
    });
  } catch (err) {
    const code = grpcCode(err);
    if (code === PERMISSION_DENIED || code === NOT_FOUND) {
      unreadable.set(key, project);
      return project;
    }
    throw upstreamError(err, "Resource Manager", `finding the id of project ${project}`);
  }
}

/** `projects/{id or number}` references (or bare ids and numbers) → project ids, in order. */
export function projectIdsOf(client: ProjectsClient, references: string[]): Promise<string[]> {
  return Promise.all(references.map((r) => projectIdOf(client, r.replace(/^projects\//, ""))));
}
