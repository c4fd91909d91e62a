// What the launcher reads from the environment (validated with zod, like the
// portal's own configuration in lib/config.ts, which it hands the rest to).
import path from "node:path";
import { z } from "zod";
import { describeIssues } from "../lib/config";

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());
// Digits only: z.coerce.number read "1e3" as 1000 and "0x50" as 80.
const port = z
  .string()
  .trim()
  .regex(/^\d{1,5}$/, "expected a port number (digits only)")
  .transform(Number)
  .pipe(z.number().int().min(1).max(65535));

const LauncherEnv = z.object({
  PORT: optional(port),
  HOSTNAME: optional(z.string()),
  RUNWAY_DATA_DIR: optional(z.string()),
  RUNWAY_PG_PORT: optional(port),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, "expected a postgresql:// URL")),
  AUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  GCP_EMULATOR_HOST: optional(z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port")),
  GCP_PROJECTS: optional(z.string()),
  EMULATOR_GRPC_PORT: optional(port),
  EMULATOR_ROUTER_PORT: optional(port),
});

export type LauncherConfig = {
  port: number;
  hostname: string;
  dataDir: string;
  pgPort: number;
  databaseUrl: string | null;
  authSecret: string | null;
  /** "bundled": start our emulator; "external": use GCP_EMULATOR_HOST; "google": ADC. */
  google:
    { mode: "bundled"; grpcPort: number; routerPort: number } | { mode: "external"; host: string } | { mode: "google" };
};

export function parseLauncherConfig(env: Record<string, string | undefined>, cwd = process.cwd()): LauncherConfig {
  const parsed = LauncherEnv.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `Invalid configuration:\n${describeIssues(parsed.error)
        .map((l) => `  - ${l}`)
        .join("\n")}`,
    );
  const e = parsed.data;
  return {
    port: e.PORT ?? 3000,
    hostname: e.HOSTNAME ?? "0.0.0.0",
    dataDir: path.resolve(cwd, e.RUNWAY_DATA_DIR ?? ".data"),
    pgPort: e.RUNWAY_PG_PORT ?? 54329,
    databaseUrl: e.DATABASE_URL ?? null,
    authSecret: e.AUTH_SECRET ?? null,
    google: e.GCP_EMULATOR_HOST
      ? { mode: "external", host: e.GCP_EMULATOR_HOST }
      : e.GCP_PROJECTS
        ? { mode: "google" }
        : { mode: "bundled", grpcPort: e.EMULATOR_GRPC_PORT ?? 8086, routerPort: e.EMULATOR_ROUTER_PORT ?? 8087 },
  };
}
