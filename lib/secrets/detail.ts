// One secret for its page: metadata, labels and versions; never a value.
import { NotFound } from "../errors";
import { secretsClient } from "../gcp/clients";
import { GRPC, grpcCode, upstreamError } from "../gcp/errors";
import { toDate } from "../services/model";
import { listVersions, type VersionView } from "./list";

export type SecretDetail = { project: string; id: string; name: string; createdAt: Date | null; labels: Record<string, string>; versions: VersionView[] };

/** Labels that link a secret to the Cloud SQL user whose password it holds. */
export const SQL_LABELS = { instance: "cloudsql-instance", user: "cloudsql-user" } as const;

export async function readSecret(project: string, id: string, client = secretsClient()): Promise<SecretDetail> {
  const name = `projects/${project}/secrets/${id}`;
  try {
    const [[secret], versions] = await Promise.all([client.getSecret({ name }, { timeout: 15_000 }), listVersions(client, name)]);
    return { project, id, name, createdAt: toDate(secret.createTime), labels: { ...(secret.labels ?? {}) }, versions };
  } catch (err) {
    if (grpcCode(err) === GRPC.NOT_FOUND) throw new NotFound(`There is no secret ${id} in ${project}.`);
    throw upstreamError(err, `reading ${id}`);
  }
}
