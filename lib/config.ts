// The portal's configuration: read from the environment once, validated with
// zod, and handed to whoever needs it. A missing or malformed variable stops
// startup with a message that names it. Request code never reads process.env.
import "server-only";
import { z } from "zod";

// Empty strings count as unset (an `X=` line in a shell or .env file).
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

const list = z.string().transform((s) =>
  s
    .split(",")
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean),
);

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => ["true", "1", "yes"].includes(v));

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port, e.g. 127.0.0.1:8086");

export const serverEnvSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "expected a postgresql:// URL"),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (the launcher generates one when unset)"),
  AUTH_URL: optional(z.url({ protocol: /^https?$/, error: "expected the portal's public http(s) URL" })),
  AUTH_GOOGLE_ID: optional(z.string()),
  AUTH_GOOGLE_SECRET: optional(z.string()),
  AUTH_ALLOWED_DOMAINS: optional(list),
  ADMIN_EMAILS: optional(list),
  AUTH_LOCAL_ENABLED: optional(bool),
  // Identity-Aware Proxy in front: the audience of its signed header (deploy/README.md).
  IAP_AUDIENCE: optional(
    z
      .string()
      .regex(
        /^\/projects\/\d+\/(global\/backendServices\/\d+|apps\/[a-z0-9-]+|locations\/[a-z0-9-]+\/services\/[a-z0-9-]+)$/,
        "expected IAP's audience, e.g. /projects/123456789/global/backendServices/987654321",
      ),
  ),
  GCP_EMULATOR_HOST: optional(hostPort),
  GCP_PROJECTS: optional(list),
  GCP_REGIONS: optional(list),
  RUNWAY_SPLIT_STALE_HOURS: optional(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, "must be a positive number of hours")
      .transform(Number)
      .refine((h) => h > 0, "must be a positive number of hours"),
  ),
  PORT: optional(
    z
      .string()
      .regex(/^\d{1,5}$/, "expected a port number")
      .transform(Number),
  ),
  LOG_LEVEL: optional(z.enum(["debug", "info", "warning", "error"])),
  NODE_ENV: optional(z.enum(["development", "production", "test"])),
  RUNWAY_MODE: optional(z.enum(["local", "production"], "expected local or production")),
  // How many proxies in front append to X-Forwarded-For (Cloud Run's front end: 1); 0 ignores the header.
  RUNWAY_TRUSTED_PROXY_HOPS: optional(
    z.string().regex(/^\d$/, "expected a whole number of proxies from 0 to 9 (on Cloud Run: 1)").transform(Number),
  ),
  AUTH_TRUSTED_HOSTS: optional(
    z.string().transform((s, ctx) => {
      const hosts = s
        .split(",")
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean);
      for (const h of hosts)
        if (!/^[a-z0-9.-]+(:\d{1,5})?$/.test(h))
          ctx.addIssue({ code: "custom", message: `"${h}" is not a host name (with an optional :port)` });
      return hosts;
    }),
  ),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

export type Config = {
  /**
   * "production": a server others reach (NODE_ENV=production, as in the Docker image),
   * unless RUNWAY_MODE says otherwise; `npm start` runs as "local", for a laptop.
   */
  mode: "local" | "production";
  databaseUrl: string;
  authSecret: string;
  /** The portal's public URL when fixed; otherwise derived from request headers. */
  publicUrl: string | null;
  /** Hosts (host or host:port) that Host / X-Forwarded-Host may name; empty: the Host header only. */
  trustedHosts: string[];
  auth: {
    google: { clientId: string; clientSecret: string } | null;
    allowedDomains: string[];
    adminEmails: string[];
    localSignIn: boolean;
    /** Identity-Aware Proxy in front: people are who its verified header says, and Runway's own sign-in is off. */
    iap: { audience: string } | null;
  };
  /** Local sign-in on a production server: asked for explicitly, and said on every page. */
  localSignInWarning: boolean;
  gcp: { emulatorHost: string | null; projects: string[]; regions: string[] };
  /**
   * Proxies in front of the portal that each append the address they saw to
   * X-Forwarded-For; the client is the entry the outermost one appended. 0: the
   * header is ignored and every client counts as one address (issue 27, item 4).
   */
  trustedProxyHops: number;
  /** A traffic split older than this is flagged on the fleet page. */
  splitStaleHours: number;
  /**
   * Where Cloud Monitoring delivers incidents to Runway's webhook channels: the
   * public URL, else this machine's port (the emulator runs beside the portal).
   */
  alertIntakeBaseUrl: string;
  logLevel: "debug" | "info" | "warning" | "error";
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Turns zod issues into lines that name the variable, e.g. "AUTH_SECRET: must be …". */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const name = i.path.join(".") || "(environment)";
    const missing = i.code === "invalid_type" && i.message.includes("undefined");
    return `${name}: ${missing ? "is required but not set" : i.message}`;
  });
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = serverEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error));
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.AUTH_GOOGLE_ID) !== Boolean(e.AUTH_GOOGLE_SECRET)) {
    problems.push("AUTH_GOOGLE_ID and AUTH_GOOGLE_SECRET: set both or neither");
  }
  const google =
    e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET
      ? { clientId: e.AUTH_GOOGLE_ID, clientSecret: e.AUTH_GOOGLE_SECRET }
      : null;
  if (google && !e.AUTH_ALLOWED_DOMAINS?.length) {
    problems.push("AUTH_ALLOWED_DOMAINS: required with Google sign-in (comma-separated, e.g. example.com)");
  }
  const mode = e.RUNWAY_MODE ?? (e.NODE_ENV === "production" ? "production" : "local");
  // Local sign-in is for laptops: off once Google sign-in exists, unless asked for.
  const iap = e.IAP_AUDIENCE ? { audience: e.IAP_AUDIENCE } : null;
  // Behind IAP, IAP signs people in; Runway's own sign-in is off.
  const localSignIn = iap ? false : (e.AUTH_LOCAL_ENABLED ?? (mode === "local" && !google));
  if (mode === "production" && !iap) {
    // One POST would sign anyone in as admin: a production server offers that only when told to.
    if (!google && e.AUTH_LOCAL_ENABLED === undefined) {
      problems.push(
        "AUTH_LOCAL_ENABLED: a production server (NODE_ENV=production) without Google sign-in would offer passwordless local accounts; set AUTH_GOOGLE_ID and AUTH_GOOGLE_SECRET, or AUTH_LOCAL_ENABLED=true to offer them anyway",
      );
    } else if (!google && !localSignIn) {
      problems.push("AUTH_GOOGLE_ID: no way to sign in (Google sign-in unset and AUTH_LOCAL_ENABLED=false)");
    }
  }
  if (mode === "production") {
    // Redirects and callback URLs are built from the request's host: name the hosts to believe.
    if (!e.AUTH_URL && !e.AUTH_TRUSTED_HOSTS?.length) {
      problems.push(
        "AUTH_URL: required on a production server (the portal's public URL), or list the hosts it answers to in AUTH_TRUSTED_HOSTS",
      );
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    mode,
    databaseUrl: e.DATABASE_URL,
    authSecret: e.AUTH_SECRET,
    publicUrl: e.AUTH_URL ?? null,
    trustedHosts: e.AUTH_TRUSTED_HOSTS ?? [],
    auth: {
      google,
      allowedDomains: e.AUTH_ALLOWED_DOMAINS ?? [],
      adminEmails: e.ADMIN_EMAILS ?? [],
      localSignIn,
      iap,
    },
    localSignInWarning: localSignIn && mode === "production",
    gcp: { emulatorHost: e.GCP_EMULATOR_HOST ?? null, projects: e.GCP_PROJECTS ?? [], regions: e.GCP_REGIONS ?? [] },
    // A production server runs on Cloud Run, whose front end appends the client's address; a laptop has nothing in front.
    trustedProxyHops: e.RUNWAY_TRUSTED_PROXY_HOPS ?? (mode === "production" ? 1 : 0),
    splitStaleHours: e.RUNWAY_SPLIT_STALE_HOURS ?? 24,
    alertIntakeBaseUrl: (e.AUTH_URL ?? `http://127.0.0.1:${e.PORT ?? 3000}`).replace(/\/+$/, ""),
    logLevel: e.LOG_LEVEL ?? "info",
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use (at startup, by instrumentation.ts). */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
