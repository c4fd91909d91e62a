// Secret Manager resource names. Google answers with the project NUMBER
// (`projects/123456789012/secrets/x`) and accepts either id or number in
// requests; the number is the same stable one the Run API uses. Regional
// secrets live under `projects/{p}/locations/{l}/secrets/{s}` and keep the
// location in their names; a regional and a global secret may share an id.
import { projectNumber, type Projects } from "../projects";
import { invalid } from "../../grpc/errors";

export const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const LOCATION = /^[a-z]+(-[a-z]+)+\d+$/;

/** Where a secret lives; `location` is "" for a global secret. */
export type SecretKey = { project: string; location: string; secretId: string };

export const secretName = (k: SecretKey) =>
  `projects/${projectNumber(k.project)}${k.location ? `/locations/${k.location}` : ""}/secrets/${k.secretId}`;
/** The secret's name with the project id: the key of its IAM policy. */
export const secretKeyName = (k: SecretKey) =>
  `projects/${k.project}${k.location ? `/locations/${k.location}` : ""}/secrets/${k.secretId}`;
export const versionName = (k: SecretKey, version: number | string) => `${secretName(k)}/versions/${version}`;

function location(value: string | undefined): string {
  if (value === undefined) return "";
  if (!LOCATION.test(value))
    throw invalid(`Invalid location ${JSON.stringify(value)}: regional secrets live in a region such as us-central1.`);
  return value;
}

export async function parseParent(
  projects: Projects,
  parent: string | undefined,
): Promise<{ project: string; location: string }> {
  const m = /^projects\/([^/]+)(?:\/locations\/([^/]+))?$/.exec(parent ?? "");
  if (!m)
    throw invalid(
      `Invalid parent: ${JSON.stringify(parent ?? "")}; expected projects/{project} or projects/{project}/locations/{location}.`,
    );
  return { project: await projects.resolve(m[1]), location: location(m[2]) };
}

export async function parseSecret(projects: Projects, name: string | undefined): Promise<SecretKey> {
  const m = /^projects\/([^/]+)(?:\/locations\/([^/]+))?\/secrets\/([^/]+)$/.exec(name ?? "");
  if (!m)
    throw invalid(
      `Invalid secret name: ${JSON.stringify(name ?? "")}; expected projects/{project}/secrets/{secret} or projects/{project}/locations/{location}/secrets/{secret}.`,
    );
  return { project: await projects.resolve(m[1]), location: location(m[2]), secretId: m[3] };
}

export async function parseVersion(
  projects: Projects,
  name: string | undefined,
): Promise<SecretKey & { version: string }> {
  const m = /^(projects\/[^/]+(?:\/locations\/[^/]+)?\/secrets\/[^/]+)\/versions\/([^/]+)$/.exec(name ?? "");
  if (!m)
    throw invalid(
      `Invalid secret version name: ${JSON.stringify(name ?? "")}; expected projects/{project}/secrets/{secret}/versions/{version}.`,
    );
  return { ...(await parseSecret(projects, m[1])), version: m[2] };
}
