// Secrets per project with their versions, and which services read which
// version. Values are never read here: only metadata.
import type { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { secretsClient } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import type { ServiceView } from "../services";
import { toDate } from "../services/model";

export type VersionView = { id: string; state: string; createdAt: Date | null; destroyedAt: Date | null };
export type SecretReference = {
  service: string;
  region: string;
  env: string;
  version: string;
  resolves: string | null;
};
export type SecretView = {
  project: string;
  id: string;
  createdAt: Date | null;
  rotation: string | null;
  versions: VersionView[];
  references: SecretReference[];
};
export type SecretsByProject = { project: string; secrets: SecretView[]; error: string | null };

const shortId = (name: string | null | undefined) => (name ?? "").split("/").pop() ?? "";

export async function listVersions(client: SecretManagerServiceClient, secretName: string): Promise<VersionView[]> {
  const [versions] = await client.listSecretVersions({ parent: secretName }, { timeout: 15_000 });
  return versions.map((v) => ({
    id: shortId(v.name),
    state: String(v.state),
    createdAt: toDate(v.createTime),
    destroyedAt: toDate(v.destroyTime),
  }));
}

async function projectSecrets(
  client: SecretManagerServiceClient,
  project: string,
  fleet: ServiceView[] | Promise<ServiceView[]>,
): Promise<SecretView[]> {
  const [secrets] = await client.listSecrets({ parent: `projects/${project}` }, { timeout: 15_000 });
  return Promise.all(
    secrets.map(async (s) => {
      const id = shortId(s.name);
      const views = await listVersions(client, s.name!);
      const services = await fleet;
      const newest = views.map((v) => Number(v.id)).sort((a, b) => b - a)[0];
      const references = services
        .filter((svc) => svc.project === project)
        .flatMap((svc) =>
          svc.template.env.flatMap((e) =>
            "secret" in e && e.secret === id
              ? [
                  {
                    service: svc.id,
                    region: svc.region,
                    env: e.name,
                    version: e.version,
                    resolves: e.version === "latest" ? (newest ? String(newest) : null) : e.version,
                  },
                ]
              : [],
          ),
        );
      const rotation = s.rotation?.rotationPeriod?.seconds
        ? `every ${Math.round(Number(s.rotation.rotationPeriod.seconds) / 86_400)} d`
        : null;
      return { project, id, createdAt: toDate(s.createTime), rotation, versions: views, references };
    }),
  );
}

/**
 * One project failing (no access, say) is reported beside the others. The
 * services may still be on their way: secrets and versions are read meanwhile.
 */
export async function listSecrets(
  projects: string[],
  services: ServiceView[] | Promise<ServiceView[]>,
  client = secretsClient(),
): Promise<SecretsByProject[]> {
  return Promise.all(
    projects.map(async (project) => {
      try {
        return {
          project,
          secrets: (await projectSecrets(client, project, services)).sort((a, b) => a.id.localeCompare(b.id)),
          error: null,
        };
      } catch (err) {
        return {
          project,
          secrets: [],
          error: upstreamError(err, "Secret Manager", `listing secrets of ${project}`).message,
        };
      }
    }),
  );
}
