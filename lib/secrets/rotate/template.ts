// The template that re-creates a serving revision as a new one: the same
// image and settings (derived the one way every new revision is, in
// services/write/template.ts), its refs to the rotated secret moved to the new
// version when they were pinned (a `latest` ref stays `latest`), and who/why stamped.
import type { protos } from "@google-cloud/run";
import { deriveTemplate, templateOfRevision } from "../../services";
import { readsSecret } from "./readers";

type Revision = protos.google.cloud.run.v2.IRevision;
type Template = protos.google.cloud.run.v2.IRevisionTemplate;

export function templateFromRevision(
  revision: Revision,
  opts: { name: string; project: string; secret: string; newVersion: string; actor: string },
): Template {
  return deriveTemplate(templateOfRevision(revision), {
    revision: opts.name,
    actor: opts.actor,
    changeRef: `rotate ${opts.secret} to v${opts.newVersion}`,
    containers: (containers) =>
      containers.map((c) => ({
        ...c,
        env: (c.env ?? []).map((e) => {
          const ref = e.valueSource?.secretKeyRef;
          if (!ref || !readsSecret(ref.secret, opts.project, opts.secret) || (ref.version || "latest") === "latest")
            return e;
          return { ...e, valueSource: { secretKeyRef: { ...ref, version: opts.newVersion } } };
        }),
      })),
  });
}
