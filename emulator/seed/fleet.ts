// The seeded fleet (docs/DESIGN.md, "The seeded fleet"): the systems whose
// Cloud Run deployment plans Runway was made for, with their settings and a
// short, plausible deploy history each.

export type SeedTraffic =
  | { kind: "latest" }
  /** Rolled back: all traffic pinned to an earlier revision (1-based deploy index), the newest one kept under a tag. */
  | { kind: "rollback"; to: number; tagNewest: string }
  /** Canary: the newest revision gets `percent` under a tag, the previous one the rest. */
  | { kind: "canary"; percent: number; tag: string };

export type SeedProbe = { path: string; periodSeconds: number; failureThreshold: number; timeoutSeconds: number };

export type SeedService = {
  project: string;
  region: string;
  service: string;
  description: string;
  /** Image path without tag; the last segment names a sample app in emulator/images. */
  image: string;
  /** One deploy per tag, oldest first. */
  tags: string[];
  cpu: string;
  memory: string;
  concurrency?: number;
  timeoutSeconds?: number;
  minInstances: number;
  maxInstances: number;
  serviceAccount?: string;
  env: Record<string, string>;
  /** Env var → secret id in the same project (version latest). */
  secrets: Record<string, string>;
  startupProbe?: SeedProbe;
  livenessProbe?: SeedProbe;
  cpuIdle?: boolean;
  gen2?: boolean;
  cloudSql?: string;
  labels: Record<string, string>;
  /** Service annotations, e.g. where Runway checks the service after a secret rotation. */
  annotations?: Record<string, string>;
  /** Who deployed, per deploy (cycled). */
  deployers: string[];
  traffic: SeedTraffic;
  /** Env var changed in the last deploy, to make the history more than image bumps. */
  lastDeployEnv?: Record<string, string>;
  /** The limits of every deploy but the last (the last one raised them to `cpu` and `memory`). */
  earlierCpu?: string;
  earlierMemory?: string;
  /** When the last deploy happened, in days before seeding (default: spaced like the others). */
  lastDeployDaysAgo?: number;
};

const health: SeedProbe = { path: "/health", periodSeconds: 5, failureThreshold: 6, timeoutSeconds: 2 };

export const FLEET: SeedService[] = [
  {
    project: "intentvision-prod",
    region: "us-central1",
    service: "intentvision-api",
    description: "IntentVision public API: query intent classification",
    image: "us-central1-docker.pkg.dev/intentvision-prod/intentvision/intentvision-api",
    tags: ["v1.2.0", "v1.3.0", "v1.3.1"],
    cpu: "2",
    memory: "1Gi",
    concurrency: 80,
    timeoutSeconds: 300,
    minInstances: 0,
    maxInstances: 10,
    serviceAccount: "intentvision-sa@intentvision-prod.iam.gserviceaccount.com",
    env: { NODE_ENV: "production" },
    secrets: { TURSO_URL: "intentvision-turso-url", TURSO_TOKEN: "intentvision-turso-token" },
    startupProbe: health,
    labels: { team: "intentvision", env: "prod" },
    deployers: ["dana@intentvision.example", "github-actions@intentvision-prod.iam.gserviceaccount.com"],
    traffic: { kind: "latest" },
  },
  {
    project: "intentvision-prod",
    region: "us-central1",
    service: "intentvision-worker",
    description: "IntentVision background worker: drains the classification queue",
    image: "us-central1-docker.pkg.dev/intentvision-prod/intentvision/intentvision-worker",
    tags: ["v1.2.0", "v1.3.0", "v1.3.1"],
    cpu: "1",
    memory: "512Mi",
    concurrency: 10,
    timeoutSeconds: 900,
    minInstances: 0,
    maxInstances: 3,
    serviceAccount: "intentvision-sa@intentvision-prod.iam.gserviceaccount.com",
    env: { NODE_ENV: "production", WORKER_BATCH_SIZE: "50" },
    secrets: { TURSO_URL: "intentvision-turso-url", TURSO_TOKEN: "intentvision-turso-token" },
    cpuIdle: false,
    labels: { team: "intentvision", env: "prod", role: "worker" },
    deployers: ["github-actions@intentvision-prod.iam.gserviceaccount.com"],
    traffic: { kind: "latest" },
  },
  {
    project: "pyplots-prod",
    region: "europe-west4",
    service: "pyplots-api",
    description: "pyplots.ai API: plot catalogue and generated images",
    image: "europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-api",
    tags: ["v5", "v6", "v7"],
    cpu: "1",
    memory: "512Mi",
    concurrency: 80,
    minInstances: 0,
    maxInstances: 10,
    env: { ENVIRONMENT: "production", GCS_BUCKET: "pyplots-images" },
    secrets: {
      DATABASE_URL: "db-connection-string",
      DB_PASSWORD: "db-password",
      ANTHROPIC_API_KEY: "anthropic-api-key",
    },
    cloudSql: "pyplots-prod:europe-west4:pyplots-db",
    labels: { app: "pyplots", env: "prod" },
    // `/` answers without the database; `/plots` needs it.
    annotations: { "runway.dev/check-path": "/plots" },
    deployers: ["markus@pyplots.example", "github-actions@pyplots-prod.iam.gserviceaccount.com"],
    // v7 raised error rates; traffic went back to v6 and v7 stays reachable for debugging.
    traffic: { kind: "rollback", to: 2, tagNewest: "v7-debug" },
  },
  {
    project: "pyplots-prod",
    region: "europe-west4",
    service: "pyplots-frontend",
    description: "pyplots.ai web front end",
    image: "europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-frontend",
    tags: ["v5", "v6", "v7"],
    cpu: "1",
    memory: "256Mi",
    minInstances: 0,
    maxInstances: 5,
    env: { NEXT_PUBLIC_API_URL: "https://api.pyplots.ai" },
    secrets: {},
    labels: { app: "pyplots", env: "prod" },
    deployers: ["github-actions@pyplots-prod.iam.gserviceaccount.com"],
    traffic: { kind: "latest" },
  },
  {
    project: "elevendops-prod",
    region: "us-central1",
    service: "elevendops",
    description: "ElevenDops: voice operations console (API and UI in one container)",
    image: "us-central1-docker.pkg.dev/elevendops-prod/elevendops/elevendops",
    tags: ["0.8.0", "0.9.0", "0.9.1"],
    // 0.9.1, ten days ago, doubled CPU and memory (1 vCPU, 512 MiB → 2 vCPU, 1 GiB): the cost demo's jump after a deploy.
    cpu: "2",
    memory: "1Gi",
    earlierCpu: "1",
    earlierMemory: "512Mi",
    lastDeployDaysAgo: 10,
    minInstances: 0,
    maxInstances: 10,
    env: { APP_ENV: "production" },
    secrets: { ELEVENLABS_API_KEY: "elevenlabs-api-key", ANTHROPIC_API_KEY: "anthropic-api-key" },
    startupProbe: health,
    livenessProbe: { path: "/health", periodSeconds: 30, failureThreshold: 3, timeoutSeconds: 5 },
    labels: { app: "elevendops", env: "prod" },
    deployers: ["priya@elevendops.example"],
    traffic: { kind: "latest" },
    lastDeployEnv: { LOG_LEVEL: "DEBUG" },
  },
  {
    project: "shortfactory-prod",
    region: "us-central1",
    service: "shortfactory-backend",
    description: "ShortFactory render backend",
    image: "gcr.io/shortfactory-prod/shortfactory-backend",
    tags: ["1.0.0", "1.1.0", "1.2.0"],
    cpu: "2",
    memory: "2Gi",
    concurrency: 80,
    timeoutSeconds: 300,
    minInstances: 0,
    maxInstances: 100,
    gen2: true,
    env: { NODE_ENV: "production" },
    secrets: { GEMINI_API_KEY: "gemini-api-key" },
    labels: { app: "shortfactory", env: "prod" },
    deployers: ["leo@shortfactory.example", "cloudbuild@shortfactory-prod.iam.gserviceaccount.com"],
    traffic: { kind: "canary", percent: 10, tag: "canary" },
  },
  {
    project: "shortfactory-prod",
    region: "us-central1",
    service: "shortfactory-frontend",
    description: "ShortFactory web front end (Next.js)",
    image: "gcr.io/shortfactory-prod/shortfactory-frontend",
    tags: ["1.0.0", "1.1.0"],
    // One instance kept warm, as ShortFactory's plan asks for production "with its small cost":
    // request-based billing, so the idle instance is billed at the Min Instance prices.
    cpu: "1",
    memory: "512Mi",
    minInstances: 1,
    maxInstances: 10,
    env: { NODE_ENV: "production" },
    secrets: {},
    labels: { app: "shortfactory", env: "prod" },
    deployers: ["cloudbuild@shortfactory-prod.iam.gserviceaccount.com"],
    traffic: { kind: "latest" },
  },
  {
    project: "ai-usage-analytics-prod",
    region: "us-central1",
    service: "ai-usage-analytics-pipeline",
    description: "Nightly AI usage ingestion into BigQuery",
    image: "us-central1-docker.pkg.dev/ai-usage-analytics-prod/pipelines/ai-usage-analytics-pipeline",
    tags: ["0.3.0", "0.4.0", "0.4.1"],
    cpu: "1",
    memory: "1Gi",
    concurrency: 10,
    timeoutSeconds: 3600,
    minInstances: 0,
    maxInstances: 10,
    env: { BIGQUERY_DATASET: "ai_usage_analytics", LOG_LEVEL: "INFO" },
    secrets: { CURSOR_API_KEY: "cursor-api-key", ANTHROPIC_API_KEY: "anthropic-api-key" },
    labels: { app: "ai-usage-analytics", env: "prod" },
    deployers: ["sam@ai-usage.example"],
    traffic: { kind: "latest" },
  },
];

/** Secrets per project; values are fake and generated at seed time unless given. */
export const FLEET_SECRETS: Record<
  string,
  { id: string; value?: string; versions?: number; labels?: Record<string, string> }[]
> = {
  "intentvision-prod": [
    { id: "intentvision-turso-url", value: "libsql://intentvision.example.turso.io" },
    // Rotated once: version 1 was disabled when version 2 was added.
    { id: "intentvision-turso-token", versions: 2 },
  ],
  "pyplots-prod": [
    { id: "db-connection-string", value: "postgresql://pyplots:fake-password@10.20.0.3:5432/pyplots" },
    { id: "anthropic-api-key" },
    // The password of the Cloud SQL user pyplots on pyplots-db: Runway's rotation sets both.
    { id: "db-password", labels: { "cloudsql-instance": "pyplots-db", "cloudsql-user": "pyplots" } },
    { id: "github-token" },
  ],
  "elevendops-prod": [{ id: "elevenlabs-api-key" }, { id: "anthropic-api-key" }],
  "shortfactory-prod": [{ id: "gemini-api-key" }],
  "ai-usage-analytics-prod": [{ id: "cursor-api-key" }, { id: "anthropic-api-key" }],
};
