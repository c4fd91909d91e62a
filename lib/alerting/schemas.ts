// Input schemas of the alerting actions (zod), shared by the definitions and
// the forms' field names. Names that reach Cloud Monitoring are checked to sit
// in the project the form names, so one project's form cannot touch another's.
import { z } from "zod";
import { ServiceRefInput } from "../services/schemas";
import { TEMPLATE_KINDS, thresholdIssue, type TemplateKind } from "./templates";

// Here, not in templates.ts: the alert forms import templates in the browser, and zod stays on the server.
export const DurationSeconds = z.coerce
  .number({ error: "Give a duration in seconds." })
  .int("Whole seconds.")
  .min(0, "A duration is 0 seconds or more.")
  .max(86_400, "At most a day (86400 s).")
  // Cloud Monitoring accepts only whole minutes here (0, 60, 120, 300 s, …).
  .refine((s) => s % 60 === 0, "Use whole minutes: 0, 60, 120, 300 seconds…");

const project = ServiceRefInput.shape.project;
const list = (v: unknown) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);
const optionalText = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const inProject = (kind: string) => (name: string, p: string) =>
  new RegExp(`^projects/${p}/${kind}/[A-Za-z0-9_-]+$`).test(name);
const named = (kind: string, what: string) => (field: string) => (v: { project: string }, ctx: z.RefinementCtx) => {
  if (!inProject(kind)(String((v as Record<string, unknown>)[field]), v.project))
    ctx.addIssue({ code: "custom", path: [field], message: `Not ${what} of ${v.project}.` });
};

const threshold = z.coerce.number({ error: "Give a number." }).refine(Number.isFinite, "Give a number.");

export const CreatePolicyInput = ServiceRefInput.extend({
  kind: z.enum(TEMPLATE_KINDS, "Choose a template."),
  threshold,
  durationSeconds: DurationSeconds,
  channels: z.preprocess(list, z.array(z.string().max(300)).max(16, "At most 16 channels.")),
  uptimeCheckId: z.preprocess(
    optionalText,
    z
      .string()
      .regex(/^[a-z0-9-]{1,100}$/, "Not an uptime check id.")
      .optional(),
  ),
  sloName: z.preprocess(optionalText, z.string().max(400).optional()),
}).superRefine((v, ctx) => {
  const issue = thresholdIssue(v.kind as TemplateKind, v.threshold);
  if (issue) ctx.addIssue({ code: "custom", path: ["threshold"], message: issue });
  if (v.kind === "uptime" && !v.uptimeCheckId)
    ctx.addIssue({
      code: "custom",
      path: ["uptimeCheckId"],
      message: "Choose the uptime check to watch (create one first).",
    });
  if (
    v.kind.startsWith("slo-") &&
    !new RegExp(`^projects/${v.project}/services/[A-Za-z0-9_-]+/serviceLevelObjectives/[A-Za-z0-9_-]+$`).test(
      v.sloName ?? "",
    )
  ) {
    ctx.addIssue({ code: "custom", path: ["sloName"], message: "Choose the SLO to watch (create one first)." });
  }
  for (const c of v.channels)
    if (!inProject("notificationChannels")(c, v.project))
      ctx.addIssue({ code: "custom", path: ["channels"], message: `${c} is not a channel of ${v.project}.` });
});
export type CreatePolicyInput = z.infer<typeof CreatePolicyInput>;

const PolicyRef = z.object({ project, policyName: z.string().max(300) });
const policyInProject = named("alertPolicies", "an alert policy");

export const UpdatePolicyInput = PolicyRef.extend({ threshold, durationSeconds: DurationSeconds }).superRefine(
  policyInProject("policyName"),
);
export const SetPolicyEnabledInput = PolicyRef.extend({
  enabled: z.enum(["true", "false"], "Say enable or disable.").transform((v) => v === "true"),
}).superRefine(policyInProject("policyName"));
export const DeletePolicyInput = PolicyRef.superRefine(policyInProject("policyName"));

export const CreateEmailChannelInput = z.object({
  project,
  email: z.email("Give an e-mail address.").max(254),
  displayName: z.preprocess(optionalText, z.string().trim().max(100).optional()),
});
export const CreateWebhookChannelInput = z.object({ project });
export const DeleteChannelInput = z
  .object({ project, channelName: z.string().max(300) })
  .superRefine(named("notificationChannels", "a notification channel")("channelName"));

export const AcknowledgeIncidentInput = z.object({ id: z.uuid("Not an incident of Runway's.") });
