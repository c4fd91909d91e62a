/** @type {import('next').NextConfig} */
const nextConfig = {
  // The container image (Dockerfile) serves the standalone build; `npm start`
  // serves the regular one with `next start`.
  output: process.env.RUNWAY_STANDALONE === "1" ? "standalone" : undefined,
  poweredByHeader: false,
  // Server-only packages with native or generated code: load them from
  // node_modules at run time instead of bundling them.
  serverExternalPackages: [
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "google-gax",
    "@grpc/grpc-js",
    "pg-boss",
    "@google-cloud/run",
    "@google-cloud/logging",
    "@google-cloud/monitoring",
    "@google-cloud/secret-manager",
    "@google-cloud/sql",
    "@google-cloud/billing",
  ],
  // Types are checked by `npm run typecheck` (part of `npm test`) over the whole
  // repository; skipping it here keeps `npm start` builds fast on small machines.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
