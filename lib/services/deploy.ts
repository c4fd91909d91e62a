import type { protos } from "@google-cloud/run";
import type { ActionDefinition } from "../actions";
import { portalDeps, type ServiceDeps } from "./deps";
import type { ServiceView } from "./model";
import { writeService, type WriteResult } from "./mutate";
import { serviceName } from "./names";
import { DeployInput, type DeployFields } from "./schemas";
import { deriveTemplate, keptTags, LATEST, nextRevisionName, stampTraffic, underTagOnly } from "./write";

type Template = protos.google.cloud.run.v2.IRevisionTemplate;
type Service = protos.google.cloud.run.v2.IService;

/** The new revision's template: the image and settings of the form, who deployed it and why as annotations. */
export function deployTemplate(
  actorEmail: string,
  input: Omit<DeployFields, "traffic" | "tag">,
  current: Service,
  view: ServiceView,
): { revision: string; template: Template } {
  const revision = nextRevisionName(input.service, view.latestCreatedRevision);
  const old = current.template ?? {};
  const template = deriveTemplate(old, {
    revision,
    actor: actorEmail,
    changeRef: input.changeRef,
    changeUrl: input.changeUrl,
    settings: {
      scaling: { ...old.scaling, minInstanceCount: input.minInstances, maxInstanceCount: input.maxInstances },
      maxInstanceRequestConcurrency: input.concurrency,
      timeout: { seconds: input.timeoutSeconds, nanos: 0 },
    },
    containers: (containers) => {
      const [first, ...sidecars] = containers.length ? containers : [{}];
      return [
        {
          ...first,
          image: input.image,
          env: [
            ...input.env.map((e) => ({ name: e.name, value: e.value })),
            ...input.secrets.map((s) => ({
              name: s.name,
              valueSource: { secretKeyRef: { secret: s.secret, version: s.version } },
            })),
          ],
          resources: {
            ...first.resources,
            limits: { ...first.resources?.limits, cpu: input.cpu, memory: input.memory },
            // CPU only during requests (request-based billing) or always (instance-based); unsaid keeps what runs.
            ...(input.billing ? { cpuIdle: input.billing === "request" } : {}),
          },
        },
        ...sidecars,
      ];
    },
  });
  return { revision, template };
}

/**
 * Deploys an image as a new revision: all traffic to it, or none, reachable
 * under a tag (blue/green). The revision carries who deployed it and why as
 * annotations, readable from Google's own tools too.
 */
export const deployDefinition = (
  deps: () => ServiceDeps = portalDeps,
): ActionDefinition<typeof DeployInput, WriteResult> => ({
  name: "services.deploy",
  role: "developer",
  input: DeployInput,
  target: serviceName,
  scope: ({ project, region, service }) => ({ project, region, service }),
  run: (ctx, input) =>
    writeService(ctx, deps(), input, {
      kind: "deploy",
      verb: "deploying",
      build(current, view) {
        const { revision, template } = deployTemplate(ctx.actor.email, input, current, view);
        const traffic =
          input.traffic === "all"
            ? [{ type: LATEST, percent: 100 }, ...keptTags(view)]
            : underTagOnly(view, revision, input.tag!); // deployChecks requires a tag without traffic
        return {
          service: { ...current, template, traffic, annotations: stampTraffic(current, traffic) },
          revision,
          summary: {
            image: input.image,
            revision,
            traffic: input.traffic === "all" ? "100% to the new revision" : `0%, tag ${input.tag}`,
          },
        };
      },
    }),
});
