import { z } from "zod";
import { wholeNumber } from "../whole-number";
import { TAG } from "./names";

const trimmed = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), trimmed(max).optional());

export const ServiceRefInput = z.object({
  project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "Not a Google Cloud project id."),
  region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, "Not a Cloud Run region."),
  service: z.string().regex(/^[a-z][a-z0-9-]{0,48}$/, "Not a Cloud Run service name."),
});

/** Guards every write: the etag the page read, and a key that makes resubmits harmless. */
const Guarded = {
  etag: z.string().min(1, "The page's copy of the service is missing; reload it."),
  idempotencyKey: z.uuid("Missing form key; reload the page."),
};

export const tag = z
  .string()
  .trim()
  .regex(TAG, "Tags are lowercase letters, digits and hyphens, starting with a letter.");
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV = new Set(["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"]);
const envName = z
  .string()
  .trim()
  .regex(ENV_NAME, "Env names are letters, digits and _, not starting with a digit.")
  .refine((n) => !RESERVED_ENV.has(n), "PORT, K_SERVICE, K_REVISION and K_CONFIGURATION are set by Cloud Run.");

export const EnvVarInput = z.object({ name: envName, value: z.string().max(32_768) });
export const SecretRefInput = z.object({
  name: envName,
  secret: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,255}$/, "Secret ids are letters, digits, _ and -."),
  version: z
    .string()
    .trim()
    .regex(/^(latest|\d+)$/, "Use latest or a version number."),
});

export const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/** A deploy's fields before the checks between them (the canary release's deploy reuses them). */
export const DeployFields = ServiceRefInput.extend({
  ...Guarded,
  image: z
    .string()
    .trim()
    .regex(IMAGE, "Give an image with a tag or digest, e.g. europe-west4-docker.pkg.dev/proj/app/api:v7."),
  env: z.array(EnvVarInput).max(100).default([]),
  secrets: z.array(SecretRefInput).max(100).default([]),
  cpu: z.enum(["1", "2", "4", "8"], "Choose 1, 2, 4 or 8 vCPU."),
  memory: z.enum(["256Mi", "512Mi", "1Gi", "2Gi", "4Gi", "8Gi", "16Gi", "32Gi"], "Choose a memory size."),
  billing: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["request", "instance"], "Choose when CPU is allocated.").optional(),
  ),
  minInstances: wholeNumber({ min: 0, max: 100, what: "a number of instances" }),
  maxInstances: wholeNumber({ min: 1, max: 1000, what: "a number of instances" }),
  concurrency: wholeNumber({ min: 1, max: 1000, what: "a number of requests" }),
  timeoutSeconds: wholeNumber({ min: 1, max: 3600, what: "a number of seconds" }),
  traffic: z.enum(["all", "tagged"]),
  tag: z.preprocess((v) => (v === "" ? undefined : v), tag.optional()),
  changeRef: optionalText(200),
  changeUrl: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.url({ protocol: /^https?$/, error: "Give an http(s) link." }).optional(),
  ),
});
export type DeployFields = z.infer<typeof DeployFields>;

/** The checks between a deploy's fields, shared by every kind of deploy. */
export const deployChecks = <T extends z.ZodType<Omit<DeployFields, "traffic" | "tag">>>(schema: T) =>
  schema
    .refine((d) => d.minInstances <= d.maxInstances, {
      path: ["minInstances"],
      message: "Min instances cannot exceed max instances.",
    })
    .refine((d) => new Set([...d.env, ...d.secrets].map((e) => e.name)).size === d.env.length + d.secrets.length, {
      path: ["env"],
      message: "Each variable name may appear once.",
    });

export const DeployInput = deployChecks(DeployFields).refine((d) => d.traffic === "all" || Boolean(d.tag), {
  path: ["tag"],
  message: "A deploy without traffic needs a tag to reach it by.",
});
export type DeployInput = z.infer<typeof DeployInput>;

export const TrafficEntryInput = z.object({
  /** A revision's short name, or "LATEST" to follow the newest ready revision. */
  revision: z
    .string()
    .trim()
    .regex(/^(LATEST|[a-z][a-z0-9-]{0,62})$/, "Unknown revision."),
  percent: wholeNumber({ min: 0, max: 100, what: "a whole percent" }),
  tag: z.preprocess((v) => (v === "" ? undefined : v), tag.optional()),
});

export const ShiftTrafficInput = ServiceRefInput.extend({
  ...Guarded,
  entries: z.array(TrafficEntryInput).min(1).max(50),
})
  .refine((d) => d.entries.reduce((s, e) => s + e.percent, 0) === 100, {
    path: ["entries"],
    message: "Percentages must add up to 100.",
  })
  .refine(
    (d) => {
      const tags = d.entries.flatMap((e) => (e.tag ? [e.tag] : []));
      return new Set(tags).size === tags.length;
    },
    { path: ["entries"], message: "Each tag may be used once." },
  )
  .refine((d) => d.entries.every((e) => e.percent > 0 || e.tag), {
    path: ["entries"],
    message: "A 0% row needs a tag (or remove it).",
  });
export type ShiftTrafficInput = z.infer<typeof ShiftTrafficInput>;

export const RollbackInput = ServiceRefInput.extend({
  ...Guarded,
  toRevision: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/),
});
export type RollbackInput = z.infer<typeof RollbackInput>;

export const SendAllToLatestInput = ServiceRefInput.extend({ ...Guarded });
