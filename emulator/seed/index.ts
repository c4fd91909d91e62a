// Seeding: the DESIGN.md fleet with a deploy history each, its secrets, and on
// request N synthetic services for load tests. Rows are written directly (no
// processes start): seeded revisions are Ready and the first request to a
// service cold-starts an instance.
import { randomBytes } from "node:crypto";
import { inTransaction, type Queryable } from "../db";
import type { Codec } from "../grpc/protos";
import { revisionReady, serviceReady } from "../api/run/conditions";
import { serviceDefaults } from "../api/run/defaults";
import { newEtag, newRevisionId, newUid, serviceName, toTimestamp } from "../api/run/names";
import { buildRevision, canonicalRevision, canonicalService } from "../api/run/resources";
import type { RunStore } from "../api/run/store";
import { longHost, shortHost, trafficStatuses } from "../api/run/traffic";
import type { Container, Probe, Revision, RevisionTemplate, Service, TrafficTarget } from "../api/run/types";
import { validateService, validateTraffic } from "../api/run/validate";
import type { SecretStore } from "../api/secretmanager/store";
import { FLEET, FLEET_SECRETS, type SeedProbe, type SeedService, type SeedTraffic } from "./fleet";

export type SeedDeps = { store: RunStore; secrets: SecretStore; codec: Codec; routerPort: () => number };

const DAY = 86_400_000;

type Deploy = { template: RevisionTemplate; at: Date; by: string };

type History = {
  project: string;
  region: string;
  serviceId: string;
  description: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  deploys: Deploy[];
  /** Final traffic from the revision ids (oldest first); null = 100 % LATEST. */
  traffic: ((revisions: string[]) => TrafficTarget[]) | null;
  trafficAt?: Date;
};

/** Writes a service whose revisions were deployed one after another and are all Ready. */
async function insertHistory(deps: SeedDeps, q: Queryable, h: History): Promise<void> {
  const name = serviceName(h.project, h.region, h.serviceId);
  const first = h.deploys[0];
  const last = h.deploys.at(-1)!;
  let generation = 0;
  const revisionIds: string[] = [];
  const revisions: Revision[] = [];
  let service: Service = { name, uid: newUid(), createTime: toTimestamp(first.at), creator: first.by };
  for (const d of h.deploys) {
    generation++;
    const input: Service = {
      name,
      description: h.description,
      labels: h.labels,
      annotations: h.annotations,
      template: d.template,
    };
    validateService(input, h.serviceId);
    service = canonicalService(deps.codec, { ...service, ...serviceDefaults(input, h.project) });
    const revisionId = newRevisionId(h.serviceId, generation);
    revisionIds.push(revisionId);
    const revision = buildRevision(service, revisionId, d.at, d.by);
    const readyAt = new Date(d.at.getTime() + 18_000);
    revisions.push(
      canonicalRevision(deps.codec, {
        ...revision,
        reconciling: false,
        conditions: revisionReady(readyAt),
        updateTime: toTimestamp(readyAt),
      }),
    );
  }
  let traffic: TrafficTarget[] = [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }];
  let changedAt = last.at;
  if (h.traffic) {
    traffic = h.traffic(revisionIds);
    validateTraffic(traffic, h.serviceId, new Set(revisionIds));
    generation++;
    changedAt = h.trafficAt ?? new Date(last.at.getTime() + DAY);
  }
  const host = (await deps.store.hostTaken(shortHost(h.serviceId, h.region), q))
    ? longHost(h.serviceId, h.project, h.region)
    : shortHost(h.serviceId, h.region);
  const latest = `${name}/revisions/${revisionIds.at(-1)}`;
  service = canonicalService(deps.codec, {
    ...service,
    traffic,
    generation: String(generation),
    observedGeneration: String(generation),
    updateTime: toTimestamp(changedAt),
    lastModifier: last.by,
    ...serviceReady(new Date(changedAt.getTime() + 20_000)),
    latestCreatedRevision: latest,
    latestReadyRevision: latest,
    trafficStatuses: trafficStatuses(traffic),
    uri: `http://${host}:${deps.routerPort()}`,
    reconciling: false,
    etag: newEtag(),
  });
  // insertService clears the rows of a former service of this name, revisions included: they go in after it.
  await deps.store.insertService(q, service, host, true);
  for (const r of revisions) await deps.store.insertRevision(q, r);
}

function probe(p: SeedProbe | undefined): Probe | undefined {
  if (!p) return undefined;
  return {
    httpGet: { path: p.path },
    periodSeconds: p.periodSeconds,
    failureThreshold: p.failureThreshold,
    timeoutSeconds: p.timeoutSeconds,
  };
}

function fleetTemplate(s: SeedService, deployIndex: number, by: string): RevisionTemplate {
  const isLast = deployIndex === s.tags.length - 1;
  const env = { ...s.env, ...(isLast ? s.lastDeployEnv : {}) };
  const container: Container = {
    image: `${s.image}:${s.tags[deployIndex]}`,
    env: [
      ...Object.entries(env).map(([name, value]) => ({ name, value })),
      ...Object.entries(s.secrets).map(([name, secret]) => ({
        name,
        valueSource: { secretKeyRef: { secret, version: "latest" } },
      })),
    ],
    resources: {
      limits: {
        cpu: isLast ? s.cpu : (s.earlierCpu ?? s.cpu),
        memory: isLast ? s.memory : (s.earlierMemory ?? s.memory),
      },
      cpuIdle: s.cpuIdle ?? true,
      startupCpuBoost: true,
    },
    ports: [{ name: "http1", containerPort: 8080 }],
    startupProbe: probe(s.startupProbe),
    livenessProbe: probe(s.livenessProbe),
    ...(s.cloudSql ? { volumeMounts: [{ name: "cloudsql", mountPath: "/cloudsql" }] } : {}),
  };
  return {
    containers: [container],
    scaling: { minInstanceCount: s.minInstances, maxInstanceCount: s.maxInstances },
    ...(s.timeoutSeconds ? { timeout: { seconds: String(s.timeoutSeconds) } } : {}),
    ...(s.serviceAccount ? { serviceAccount: s.serviceAccount } : {}),
    ...(s.concurrency ? { maxInstanceRequestConcurrency: s.concurrency } : {}),
    ...(s.gen2 ? { executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2" } : {}),
    ...(s.cloudSql ? { volumes: [{ name: "cloudsql", cloudSqlInstance: { instances: [s.cloudSql] } }] } : {}),
    labels: { ...s.labels },
    annotations: { "runway.dev/deployed-by": by, "runway.dev/change": `deploy ${s.tags[deployIndex]}` },
  };
}

function fleetTraffic(t: SeedTraffic): History["traffic"] {
  if (t.kind === "latest") return null;
  const rev = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" as const;
  if (t.kind === "rollback") {
    return (ids) => [
      { type: rev, revision: ids[t.to - 1], percent: 100 },
      { type: rev, revision: ids.at(-1), tag: t.tagNewest },
    ];
  }
  return (ids) => [
    { type: rev, revision: ids.at(-2), percent: 100 - t.percent },
    { type: rev, revision: ids.at(-1), percent: t.percent, tag: t.tag },
  ];
}

function fakeSecret(id: string): string {
  const hex = randomBytes(20).toString("hex");
  if (id.includes("github")) return `ghp_fake${hex}`;
  if (id.includes("anthropic")) return `sk-ant-fake-${hex}`;
  if (id.includes("api-key")) return `fake-key-${hex}`;
  return hex;
}

async function seedSecrets(secrets: SecretStore, now: Date): Promise<void> {
  for (const [project, list] of Object.entries(FLEET_SECRETS)) {
    for (const s of list) {
      const created = new Date(now.getTime() - 60 * DAY);
      await secrets.createSecret(project, s.id, {
        createTime: created,
        labels: { managed_by: "runway-seed", ...s.labels },
      });
      const versions = s.versions ?? 1;
      for (let v = 1; v <= versions; v++) {
        await secrets.addVersion(
          project,
          s.id,
          s.value ?? fakeSecret(s.id),
          new Date(created.getTime() + (v - 1) * 20 * DAY),
        );
      }
      for (let v = 1; v < versions; v++) await secrets.setVersionState(project, s.id, v, "DISABLED");
    }
  }
}

/** Seeds the fleet and its secrets. Call only on an empty database. */
export async function seedFleet(deps: SeedDeps, now = new Date()): Promise<void> {
  await seedSecrets(deps.secrets, now);
  await inTransaction(deps.store.db, async (q) => {
    for (const [i, s] of FLEET.entries()) {
      // The first deploy more than two months back, so the synthetic history covers last month whole.
      const start = now.getTime() - (64 + 3 * i) * DAY;
      const spacing = (5 + (i % 4) * 2) * DAY;
      const deploys = s.tags.map((_, k) => {
        const by = s.deployers[k % s.deployers.length];
        const at =
          k === s.tags.length - 1 && s.lastDeployDaysAgo
            ? now.getTime() - s.lastDeployDaysAgo * DAY
            : start + k * spacing + (i * 37 + k * 113) * 60_000;
        return { template: fleetTemplate(s, k, by), at: new Date(at), by };
      });
      await insertHistory(deps, q, {
        project: s.project,
        region: s.region,
        serviceId: s.service,
        description: s.description,
        labels: s.labels,
        annotations: s.annotations,
        deploys,
        traffic: fleetTraffic(s.traffic),
      });
    }
  });
}

export const SYNTHETIC_PROJECT = "runway-synthetic";

/**
 * Services written before the `seeded` column: the fleet's names and the
 * synthetic project count as seeded, anything else as a user's.
 */
export async function markSeededServices(db: Queryable): Promise<void> {
  const fleet = FLEET.map((s) => serviceName(s.project, s.region, s.service));
  await db.query("UPDATE run_services SET seeded = (project = $1 OR name = ANY($2)) WHERE seeded IS NULL", [
    SYNTHETIC_PROJECT,
    fleet,
  ]);
}
const SYNTHETIC_IMAGES = ["hello", "pyplots-api", "intentvision-api", "shortfactory-frontend"];

/**
 * Adds synthetic services (scale to zero: no process until a request) until
 * project `runway-synthetic` has `n`, alternating us-central1/europe-west4.
 */
export async function seedSyntheticServices(deps: SeedDeps, n: number, now = new Date()): Promise<number> {
  const { rows } = await deps.store.db.query<{ c: string }>(
    "SELECT count(*) AS c FROM run_services WHERE project = $1 AND NOT deleted",
    [SYNTHETIC_PROJECT],
  );
  const have = Number(rows[0].c);
  if (have >= n) return 0;
  await inTransaction(deps.store.db, async (q) => {
    for (let i = have + 1; i <= n; i++) {
      const id = `synthetic-${String(i).padStart(4, "0")}`;
      const image = SYNTHETIC_IMAGES[i % SYNTHETIC_IMAGES.length];
      const template = (tag: string): RevisionTemplate => ({
        containers: [
          {
            image: `us-docker.pkg.dev/${SYNTHETIC_PROJECT}/synthetic/${image}:${tag}`,
            env: [{ name: "SYNTHETIC_INDEX", value: String(i) }],
          },
        ],
        scaling: { minInstanceCount: 0, maxInstanceCount: 5 },
        annotations: { "runway.dev/deployed-by": "loadgen@runway.localhost" },
      });
      const at = new Date(now.getTime() - ((i % 20) + 2) * DAY);
      const deploys = [{ template: template("v1"), at, by: "loadgen@runway.localhost" }];
      if (i % 3 === 0)
        deploys.push({ template: template("v2"), at: new Date(at.getTime() + DAY), by: "loadgen@runway.localhost" });
      await insertHistory(deps, q, {
        project: SYNTHETIC_PROJECT,
        region: i % 2 ? "us-central1" : "europe-west4",
        serviceId: id,
        description: "synthetic service for load tests",
        labels: { synthetic: "true" },
        deploys,
        traffic: null,
      });
    }
  });
  return n - have;
}
