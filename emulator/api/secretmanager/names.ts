// Secret Manager resource names. Google answers with the project NUMBER
// (`projects/123456789012/secrets/x`) and accepts either id or number in
// requests; the number is the same stable one the Run API uses.
import { projectNumber } from "../run/names";
import { invalid } from "../../grpc/errors";
import type { Db } from "../../db";

export const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;

export const secretName = (project: string, secretId: string) => `projects/${projectNumber(project)}/secrets/${secretId}`;
export const versionName = (project: string, secretId: string, version: number | string) =>
  `${secretName(project, secretId)}/versions/${version}`;

/** A project number back to the id the tables use (numbers are only known for projects that hold secrets). */
export async function projectId(db: Db, project: string): Promise<string> {
  if (!/^\d+$/.test(project)) return project;
  const { rows } = await db.query<{ project: string }>("SELECT DISTINCT project FROM sm_secrets");
  return rows.find((r) => projectNumber(r.project) === project)?.project ?? project;
}

export async function parseParent(db: Db, parent: string | undefined): Promise<string> {
  const m = /^projects\/([^/]+)(?:\/locations\/[^/]+)?$/.exec(parent ?? "");
  if (!m) throw invalid(`Invalid parent: ${JSON.stringify(parent ?? "")}; expected projects/{project}.`);
  return projectId(db, m[1]);
}

export async function parseSecret(db: Db, name: string | undefined): Promise<{ project: string; secretId: string }> {
  const m = /^projects\/([^/]+)(?:\/locations\/[^/]+)?\/secrets\/([^/]+)$/.exec(name ?? "");
  if (!m) throw invalid(`Invalid secret name: ${JSON.stringify(name ?? "")}; expected projects/{project}/secrets/{secret}.`);
  return { project: await projectId(db, m[1]), secretId: m[2] };
}

export async function parseVersion(db: Db, name: string | undefined): Promise<{ project: string; secretId: string; version: string }> {
  const m = /^(projects\/[^/]+(?:\/locations\/[^/]+)?\/secrets\/[^/]+)\/versions\/([^/]+)$/.exec(name ?? "");
  if (!m) throw invalid(`Invalid secret version name: ${JSON.stringify(name ?? "")}; expected projects/{project}/secrets/{secret}/versions/{version}.`);
  return { ...(await parseSecret(db, m[1])), version: m[2] };
}
