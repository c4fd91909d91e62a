// google.cloud.resourcemanager.v3.Projects: GetProject and SearchProjects over
// the projects that hold resources here (projects.ts: their ids and stable
// numbers). Google answers a project that does not exist exactly like one the
// caller may not read, PERMISSION_DENIED, so neither reveals which projects
// exist; we do the same. Projects have no parent, labels or create time here.
import { ApiError, Code, invalid } from "../grpc/errors";
import { pageOf, readPage } from "../grpc/paging";
import type { Handler } from "../grpc/server";
import type { Projects } from "./projects";

type Row = { id: string; number: string };
type Json = Record<string, unknown>;

const NAME = /^projects\/([^/]+)$/;

function toProject(p: Row): Json {
  return {
    name: `projects/${p.number}`,
    projectId: p.id,
    displayName: p.id,
    state: "ACTIVE",
    parent: "",
    labels: {},
    etag: `W/"${p.number}"`,
  };
}

const denied = (name: string) =>
  new ApiError(
    Code.PERMISSION_DENIED,
    `Permission 'resourcemanager.projects.get' denied on resource '//cloudresourcemanager.googleapis.com/${name}' (or it may not exist).`,
  );

type Term = { field: "id" | "name" | "state" | "none"; test: (value: string) => boolean };

/**
 * Google's query subset: whitespace-separated `field:value` (or `=`) terms, any
 * of which may match; fields `id`/`projectId`, `name`/`displayName`,
 * `state`/`lifecycleState`, `parent…` and `labels…` (nothing here has those);
 * case-insensitive; a trailing `*` matches a prefix, a lone `*` anything.
 */
export function parseQuery(query: string): Term[] {
  const terms = query.trim().split(/\s+/).filter(Boolean);
  return terms.map((t) => {
    const m = /^([A-Za-z.]+)\s*[:=]\s*"?([^"]*)"?$/.exec(t);
    if (!m) throw invalid(`Invalid query: "${t}" is not of the form field:value.`);
    const field = m[1].toLowerCase();
    const value = m[2].toLowerCase();
    const test = (v: string) =>
      value === "*"
        ? true
        : value.endsWith("*")
          ? v.toLowerCase().startsWith(value.slice(0, -1))
          : v.toLowerCase() === value;
    if (field === "id" || field === "projectid") return { field: "id", test };
    if (field === "name" || field === "displayname") return { field: "name", test };
    if (field === "state" || field === "lifecyclestate") return { field: "state", test };
    if (field === "parent" || field.startsWith("parent.") || field === "labels" || field.startsWith("labels."))
      return { field: "none", test: () => false };
    throw invalid(`Invalid query: unknown field "${m[1]}".`);
  });
}

const matches = (p: Row, terms: Term[]) =>
  !terms.length ||
  terms.some((t) =>
    t.field === "id"
      ? t.test(p.id)
      : t.field === "name"
        ? t.test(p.id)
        : t.field === "state"
          ? t.test("ACTIVE")
          : false,
  );

export function resourceManagerHandlers(projects: Projects): Record<string, Handler> {
  return {
    async GetProject(req: Json) {
      const name = String(req.name ?? "");
      const m = NAME.exec(name);
      if (!m) throw invalid(`name: expected projects/{project}, got "${name}"`);
      const p = await projects.find(m[1]);
      if (!p) throw denied(name);
      return toProject(p);
    },
    async SearchProjects(req: Json) {
      const terms = parseQuery(String(req.query ?? ""));
      const page = readPage(req.pageSize as number, req.pageToken as string, 500, 500);
      const found = (await projects.all()).filter((p) => matches(p, terms));
      const { items, nextPageToken } = pageOf(found.slice(page.offset, page.offset + page.limit + 1), page);
      return { projects: items.map(toProject), nextPageToken };
    },
  };
}
