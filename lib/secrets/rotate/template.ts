// The template that re-creates a serving revision as a new one: the same
// image and settings, its refs to the rotated secret moved to the new version
// when they were pinned (a `latest` ref stays `latest`), and who/why stamped.
import type { protos } from "@google-cloud/run";
import { ANNOTATIONS } from "../../services/model";
import { readsSecret } from "./readers";

type Revision = protos.google.cloud.run.v2.IRevision;
type Template = protos.google.cloud.run.v2.IRevisionTemplate;

const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const SYSTEM_ANNOTATION = /^([a-z0-9.-]+\.)?(run|serving\.knative|autoscaling\.knative|cloud)\.(googleapis\.com|dev)\//;

export function templateFromRevision(
  revision: Revision,
  opts: { name: string; project: string; secret: string; newVersion: string; actor: string },
): Template {
  const annotations = Object.fromEntries(Object.entries(revision.annotations ?? {}).filter(([k]) => !k.startsWith("runway.dev/") && !SYSTEM_ANNOTATION.test(k)));
  annotations[ANNOTATIONS.deployedBy] = opts.actor;
  annotations[ANNOTATIONS.changeRef] = `rotate ${opts.secret} to v${opts.newVersion}`;
  return {
    revision: opts.name,
    labels: Object.fromEntries(Object.entries(revision.labels ?? {}).filter(([k]) => LABEL_KEY.test(k))),
    annotations,
    scaling: revision.scaling,
    vpcAccess: revision.vpcAccess,
    timeout: revision.timeout,
    serviceAccount: revision.serviceAccount,
    containers: (revision.containers ?? []).map((c) => ({
      ...c,
      env: (c.env ?? []).map((e) => {
        const ref = e.valueSource?.secretKeyRef;
        if (!ref || !readsSecret(ref.secret, opts.project, opts.secret) || (ref.version || "latest") === "latest") return e;
        return { ...e, valueSource: { secretKeyRef: { ...ref, version: opts.newVersion } } };
      }),
    })),
    volumes: revision.volumes,
    executionEnvironment: revision.executionEnvironment,
    encryptionKey: revision.encryptionKey,
    maxInstanceRequestConcurrency: revision.maxInstanceRequestConcurrency,
    sessionAffinity: revision.sessionAffinity,
    nodeSelector: revision.nodeSelector,
  };
}
