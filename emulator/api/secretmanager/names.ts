// Secret Manager resource names. Google answers with the project NUMBER
// (`projects/123456789012/secrets/x`) and accepts either id or number in
// requests; the number is the same stable one the Run API uses.
import { projectNumber, type Projects } from "../projects";
import { invalid } from "../../grpc/errors";

export const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;

export const secretName = (project: string, secretId: string) => `projects/${projectNumber(project)}/secrets/${secretId}`;
export const versionName = (project: string, secretId: string, version: number | string) =>
  `${secretName(project, secretId)}/versions/${version}`;

export async function parseParent(projects: Projects, parent: string | undefined): Promise<string> {
  const m = /^projects\/([^/]+)(?:\/locations\/[^/]+)?$/.exec(parent ?? "");
  if (!m) throw invalid(`Invalid parent: ${JSON.stringify(parent ?? "")}; expected projects/{project}.`);
  return projects.resolve(m[1]);
}

export async function parseSecret(projects: Projects, name: string | undefined): Promise<{ project: string; secretId: string }> {
  const m = /^projects\/([^/]+)(?:\/locations\/[^/]+)?\/secrets\/([^/]+)$/.exec(name ?? "");
  if (!m) throw invalid(`Invalid secret name: ${JSON.stringify(name ?? "")}; expected projects/{project}/secrets/{secret}.`);
  return { project: await projects.resolve(m[1]), secretId: m[2] };
}

export async function parseVersion(projects: Projects, name: string | undefined): Promise<{ project: string; secretId: string; version: string }> {
  const m = /^(projects\/[^/]+(?:\/locations\/[^/]+)?\/secrets\/[^/]+)\/versions\/([^/]+)$/.exec(name ?? "");
  if (!m) throw invalid(`Invalid secret version name: ${JSON.stringify(name ?? "")}; expected projects/{project}/secrets/{secret}/versions/{version}.`);
  return { ...(await parseSecret(projects, m[1])), version: m[2] };
}
