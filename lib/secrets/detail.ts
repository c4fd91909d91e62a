// One secret for its page: metadata, labels and versions; never a value.
// The two reads are separate panels: when Secret Manager fails one (or both),
// the page shows a notice in its place, as the fleet does, instead of the
// error page. Only "no such secret" ends the page (a 404).
import { NotFound } from "../errors";
import { secretsClient } from "../gcp/clients";
import { GRPC, grpcCode, readWithRetry, upstreamError } from "../gcp/errors";
import { toDate } from "../services/model";
import { listVersions, type VersionView } from "./list";

/** Each part is its value or, when Secret Manager failed it, a message to show instead. */
export type SecretDetail = {
  project: string;
  id: string;
  name: string;
  meta: { createdAt: Date | null; labels: Record<string, string> } | { error: string };
  versions: VersionView[] | { error: string };
};

/** Labels that link a secret to the Cloud SQL user whose password it holds. */
export const SQL_LABELS = { instance: "cloudsql-instance", user: "cloudsql-user" } as const;

export async function readSecret(project: string, id: string, client = secretsClient()): Promise<SecretDetail> {
  const name = `projects/${project}/secrets/${id}`;
  const [secret, versions] = await Promise.allSettled([
    readWithRetry(() => client.getSecret({ name }, { timeout: 15_000 })),
    readWithRetry(() => listVersions(client, name)),
  ]);
  const missing = [secret, versions].some((r) => r.status === "rejected" && grpcCode(r.reason) === GRPC.NOT_FOUND);
  if (missing) throw new NotFound(`There is no secret ${id} in ${project}.`);
  return {
    project,
    id,
    name,
    meta:
      secret.status === "fulfilled"
        ? { createdAt: toDate(secret.value[0].createTime), labels: { ...(secret.value[0].labels ?? {}) } }
        : { error: upstreamError(secret.reason, "Secret Manager", `reading ${id}`).message },
    versions:
      versions.status === "fulfilled"
        ? versions.value
        : { error: upstreamError(versions.reason, "Secret Manager", `listing the versions of ${id}`).message },
  };
}
