// The guard, for every server action: a role below the required one, an
// anonymous caller and invalid input are each refused, audited, and change
// nothing — neither in the portal's database nor on the Google side (the
// emulator's whole state, which the portal's own clients would reach).
// Covers ACTION_DEFINITIONS, and fails when lib defines an action that list
// or this table is missing. The role each action needs is written down here
// (ROLE, from README.md's roles table), never read from the definition under
// test, so a definition that declares too low (or too high) a role fails.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../test/databases";
import { startTestEmulator } from "../../test/emulator";
import { createPortalDatabaseUrl, makeUser } from "../../test/portal-db";
import { ROLES, type Actor, type Role } from "../auth/roles";
import { createDb, type Db } from "../db";
import { scopeList } from "../scope";
import { EMULATOR_DEFAULT_LOCATIONS, ensureLocations } from "../services/locations";
import { ACTION_DEFINITIONS } from "../action-definitions";
import { runGuarded } from "./guarded";

let db: Db;
let emulatorUrl: string;
let portalUrl: string;
let stop: () => Promise<void>;
let target: Actor;
const savedEnv = { ...process.env };

beforeAll(async () => {
  emulatorUrl = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  const t = await startTestEmulator({ databaseUrl: emulatorUrl });
  stop = () => t.emulator.stop();
  portalUrl = await createPortalDatabaseUrl();
  // Should a definition get past its guard, the portal's clients and queue would act here, and show it.
  Object.assign(process.env, {
    DATABASE_URL: portalUrl,
    AUTH_SECRET: randomUUID() + randomUUID(),
    GCP_EMULATOR_HOST: t.emulator.endpoint,
  });
  db = createDb(portalUrl);
  await ensureLocations(db, EMULATOR_DEFAULT_LOCATIONS);
  target = await makeUser(db, "viewer");
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await stop?.();
});

const ref = { project: "pyplots-prod", region: "europe-west4", service: "pyplots-api" };
const schedule = { project: "ai-usage-analytics-prod", location: "us-central1", job: "ai-usage-daily-pipeline" };
const scheduleEdit = {
  schedule: "0 6 * * *",
  timeZone: "America/Los_Angeles",
  targetUri: "http://ai-usage-analytics-pipeline.us-central1.localhost:8087/run-daily-job",
  retryCount: "3",
  minBackoffSeconds: "5",
  maxBackoffSeconds: "3600",
  maxDoublings: "5",
  attemptDeadlineSeconds: "600",
  // The job as the form read it (issue 27, item 7).
  read: JSON.stringify({
    schedule: "0 6 * * *",
    timeZone: "America/Los_Angeles",
    targetUri: "http://ai-usage-analytics-pipeline.us-central1.localhost:8087/run-daily-job",
    retryCount: 3,
    minBackoffSeconds: 5,
    maxBackoffSeconds: 3600,
    maxDoublings: 5,
    attemptDeadlineSeconds: 600,
  }),
};
const runJob = { project: "pyplots-prod", location: "europe-west4", job: "pyplots-migrate" };
const guard = () => ({ etag: "etag-the-page-read", idempotencyKey: randomUUID() });

/** Per action: an input that passes validation, and one that fails on `field`. */
const CASES: Record<
  string,
  { valid: () => Record<string, unknown>; invalid: () => Record<string, unknown>; field: string }
> = {
  "services.deploy": {
    valid: () => ({
      ...ref,
      ...guard(),
      image: "europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-api:v8",
      cpu: "1",
      memory: "512Mi",
      minInstances: 0,
      maxInstances: 3,
      concurrency: 80,
      timeoutSeconds: 300,
      traffic: "all",
    }),
    invalid: () => ({
      ...ref,
      ...guard(),
      image: "not an image",
      cpu: "1",
      memory: "512Mi",
      minInstances: 0,
      maxInstances: 3,
      concurrency: 80,
      timeoutSeconds: 300,
      traffic: "all",
    }),
    field: "image",
  },
  "services.shift-traffic": {
    valid: () => ({ ...ref, ...guard(), entries: [{ revision: "LATEST", percent: 100 }] }),
    invalid: () => ({ ...ref, ...guard(), entries: [{ revision: "LATEST", percent: 60 }] }),
    field: "entries",
  },
  "services.rollback": {
    valid: () => ({ ...ref, ...guard(), toRevision: "pyplots-api-00001-abc" }),
    invalid: () => ({ ...ref, ...guard(), toRevision: "Not A Revision" }),
    field: "toRevision",
  },
  "services.send-all-to-latest": {
    valid: () => ({ ...ref, ...guard() }),
    invalid: () => ({ ...ref, ...guard(), etag: "" }),
    field: "etag",
  },
  "databases.backup": {
    valid: () => ({ project: "pyplots-prod", instance: "pyplots-db", idempotencyKey: randomUUID() }),
    invalid: () => ({ project: "pyplots-prod", instance: "pyplots-db", idempotencyKey: "not-a-key" }),
    field: "idempotencyKey",
  },
  "databases.restore": {
    valid: () => ({
      project: "pyplots-prod",
      instance: "pyplots-db",
      sourceInstance: "pyplots-db",
      backupRunId: "1",
      confirmName: "pyplots-db",
      idempotencyKey: randomUUID(),
    }),
    invalid: () => ({
      project: "pyplots-prod",
      instance: "pyplots-db",
      sourceInstance: "pyplots-db",
      backupRunId: "1",
      confirmName: "pyplots",
      idempotencyKey: randomUUID(),
    }),
    field: "confirmName",
  },
  "secrets.rotate": {
    valid: () => ({ project: "pyplots-prod", secret: "db-password", idempotencyKey: randomUUID(), mode: "generate" }),
    invalid: () => ({
      project: "pyplots-prod",
      secret: "db-password",
      idempotencyKey: randomUUID(),
      mode: "enter",
      newValue: "a-new-value-1",
      confirmValue: "a-new-value-2",
    }),
    field: "confirmValue",
  },
  "settings.update-locations": {
    valid: () => ({ locations: "pyplots-prod/europe-west4" }),
    invalid: () => ({ locations: "pyplots-prod europe-west4 extra" }),
    field: "locations.0",
  },
  "schedules.run-now": {
    valid: () => ({ ...schedule }),
    invalid: () => ({ ...schedule, job: "no spaces allowed" }),
    field: "job",
  },
  "schedules.pause": {
    valid: () => ({ ...schedule }),
    invalid: () => ({ ...schedule, location: "everywhere" }),
    field: "location",
  },
  "schedules.resume": {
    valid: () => ({ ...schedule }),
    invalid: () => ({ ...schedule, project: "X" }),
    field: "project",
  },
  "schedules.update": {
    valid: () => ({ ...schedule, ...scheduleEdit }),
    invalid: () => ({ ...schedule, ...scheduleEdit, schedule: "0 6 * *" }),
    field: "schedule",
  },
  "schedules.update-targets": {
    valid: () => ({ ...schedule, maxDurationMinutes: "10", maxFreshnessHours: "24" }),
    invalid: () => ({ ...schedule, maxDurationMinutes: "0", maxFreshnessHours: "24" }),
    field: "maxDurationMinutes",
  },
  "jobs.run": {
    valid: () => ({
      ...runJob,
      args: "--dry-run",
      env: "LOG_LEVEL=debug",
      taskCount: "2",
      idempotencyKey: randomUUID(),
    }),
    invalid: () => ({
      ...runJob,
      args: "",
      env: "CLOUD_RUN_TASK_INDEX=3",
      taskCount: "",
      idempotencyKey: randomUUID(),
    }),
    field: "env",
  },
  "jobs.cancel-execution": {
    valid: () => ({ ...runJob, execution: "pyplots-migrate-abc12" }),
    invalid: () => ({ ...runJob, execution: "Not An Execution" }),
    field: "execution",
  },
  "alerting.create-policy": {
    valid: () => ({ ...ref, kind: "error-share", threshold: "1", durationSeconds: "300", channels: [] }),
    invalid: () => ({ ...ref, kind: "error-share", threshold: "250", durationSeconds: "300", channels: [] }),
    field: "threshold",
  },
  "alerting.update-policy": {
    valid: () => ({
      project: "pyplots-prod",
      policyName: "projects/pyplots-prod/alertPolicies/123",
      threshold: "2",
      durationSeconds: "600",
    }),
    invalid: () => ({
      project: "pyplots-prod",
      policyName: "projects/pyplots-prod/alertPolicies/123",
      threshold: "2",
      durationSeconds: "90",
    }),
    field: "durationSeconds",
  },
  "alerting.set-policy-enabled": {
    valid: () => ({ project: "pyplots-prod", policyName: "projects/pyplots-prod/alertPolicies/123", enabled: "false" }),
    invalid: () => ({
      project: "pyplots-prod",
      policyName: "projects/intentvision-prod/alertPolicies/123",
      enabled: "false",
    }),
    field: "policyName",
  },
  "alerting.delete-policy": {
    valid: () => ({ project: "pyplots-prod", policyName: "projects/pyplots-prod/alertPolicies/123" }),
    invalid: () => ({ project: "pyplots-prod", policyName: "projects/intentvision-prod/alertPolicies/123" }),
    field: "policyName",
  },
  "alerting.create-email-channel": {
    valid: () => ({ project: "pyplots-prod", email: "oncall@example.com" }),
    invalid: () => ({ project: "pyplots-prod", email: "not an address" }),
    field: "email",
  },
  "alerting.create-webhook-channel": {
    valid: () => ({ project: "pyplots-prod" }),
    invalid: () => ({ project: "Not A Project" }),
    field: "project",
  },
  "alerting.delete-channel": {
    valid: () => ({ project: "pyplots-prod", channelName: "projects/pyplots-prod/notificationChannels/123" }),
    invalid: () => ({ project: "pyplots-prod", channelName: "projects/other-project/notificationChannels/123" }),
    field: "channelName",
  },
  "alerting.acknowledge-incident": {
    valid: () => ({ id: randomUUID() }),
    invalid: () => ({ id: "incident-1" }),
    field: "id",
  },
  "alerting.create-uptime-check": {
    valid: () => ({ ...ref, path: "/health", periodSeconds: "60", timeoutSeconds: "10", regions: [] }),
    invalid: () => ({ ...ref, path: "/health", periodSeconds: "30", timeoutSeconds: "10", regions: [] }),
    field: "periodSeconds",
  },
  "alerting.delete-uptime-check": {
    valid: () => ({ project: "pyplots-prod", checkName: "projects/pyplots-prod/uptimeCheckConfigs/health-1" }),
    invalid: () => ({ project: "pyplots-prod", checkName: "projects/other-project/uptimeCheckConfigs/health-1" }),
    field: "checkName",
  },
  "alerting.create-slo": {
    valid: () => ({ ...ref, kind: "availability", goalPercent: "99.9", days: "30" }),
    invalid: () => ({ ...ref, kind: "latency", goalPercent: "99", days: "30" }),
    field: "latencyMs",
  },
  "alerting.delete-slo": {
    valid: () => ({
      project: "pyplots-prod",
      sloName: "projects/pyplots-prod/services/pyplots-api-europe-west4/serviceLevelObjectives/availability-30d",
    }),
    invalid: () => ({ project: "pyplots-prod", sloName: "projects/pyplots-prod/services/x" }),
    field: "sloName",
  },
  "releases.start": {
    valid: () => ({ ...ref, ...guard(), revision: "pyplots-api-00002-abc" }),
    invalid: () => ({ ...ref, ...guard(), revision: "Not A Revision" }),
    field: "revision",
  },
  "releases.deploy-canary": {
    valid: () => ({
      ...ref,
      ...guard(),
      image: "europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-api:v8",
      cpu: "1",
      memory: "512Mi",
      minInstances: 0,
      maxInstances: 3,
      concurrency: 80,
      timeoutSeconds: 300,
      traffic: "canary",
    }),
    invalid: () => ({
      ...ref,
      ...guard(),
      image: "europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-api:v8",
      cpu: "1",
      memory: "512Mi",
      minInstances: 5,
      maxInstances: 3,
      concurrency: 80,
      timeoutSeconds: 300,
      traffic: "canary",
    }),
    field: "minInstances",
  },
  ...Object.fromEntries(
    ["pause", "resume", "promote", "abort"].map((verb) => [
      `releases.${verb}`,
      {
        valid: () => ({ ...ref, release: randomUUID() }),
        invalid: () => ({ ...ref, release: "not-a-release" }),
        field: "release",
      },
    ]),
  ),
  "releases.save-plan": {
    valid: () => ({
      ...ref,
      steps: "5, 25, 50, 100",
      stepSeconds: 300,
      checkSeconds: 60,
      maxErrorPercent: 1,
      errorMarginPoints: 1,
      latencyFactor: 1.25,
      latencyFloorMs: 500,
      failuresToAbort: 2,
      minRequests: 100,
    }),
    invalid: () => ({
      ...ref,
      steps: "5, 25, 50",
      stepSeconds: 300,
      checkSeconds: 60,
      maxErrorPercent: 1,
      errorMarginPoints: 1,
      latencyFactor: 1.25,
      latencyFloorMs: 500,
      failuresToAbort: 2,
      minRequests: 100,
    }),
    field: "steps",
  },
  "cost.save-budget": {
    valid: () => ({
      account: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
      displayName: "api",
      project: "pyplots-prod",
      amount: "25",
      thresholds: "50, 90, 100",
    }),
    invalid: () => ({
      account: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
      displayName: "api",
      project: "pyplots-prod",
      amount: "-3",
      thresholds: "50",
    }),
    field: "amount",
  },
  "cost.set-variance-threshold": {
    valid: () => ({ project: "pyplots-prod", service: "pyplots-api", percent: "30" }),
    invalid: () => ({ project: "pyplots-prod", service: "pyplots-api", percent: "0" }),
    field: "percent",
  },
  "users.change-role": {
    valid: () => ({ userId: target.id, role: "admin" }),
    invalid: () => ({ userId: target.id, role: "owner" }),
    field: "role",
  },
};

/**
 * The role each action needs, as README.md's roles table gives it, kept apart from
 * the definitions: viewer reads; developer deploys, shifts traffic, rolls back, runs
 * canary releases and edits their plans, runs/pauses/edits schedules, runs and cancels
 * Cloud Run jobs, alert policies, uptime checks and SLOs, acknowledges incidents;
 * operator also rotates secrets, backs up and restores, notification channels, budgets
 * and variance thresholds; admin also users, roles and settings.
 */
const ROLE: Record<string, Role> = {
  "services.deploy": "developer",
  "services.shift-traffic": "developer",
  "services.rollback": "developer",
  "services.send-all-to-latest": "developer",
  "releases.start": "developer",
  "releases.deploy-canary": "developer",
  "releases.pause": "developer",
  "releases.resume": "developer",
  "releases.promote": "developer",
  "releases.abort": "developer",
  "releases.save-plan": "developer",
  "schedules.run-now": "developer",
  "schedules.pause": "developer",
  "schedules.resume": "developer",
  "schedules.update": "developer",
  "schedules.update-targets": "developer",
  "jobs.run": "developer",
  "jobs.cancel-execution": "developer",
  "alerting.create-policy": "developer",
  "alerting.update-policy": "developer",
  "alerting.set-policy-enabled": "developer",
  "alerting.delete-policy": "developer",
  "alerting.create-uptime-check": "developer",
  "alerting.delete-uptime-check": "developer",
  "alerting.create-slo": "developer",
  "alerting.delete-slo": "developer",
  "alerting.acknowledge-incident": "developer",
  "databases.backup": "operator",
  "databases.restore": "operator",
  "secrets.rotate": "operator",
  "alerting.create-email-channel": "operator",
  "alerting.create-webhook-channel": "operator",
  "alerting.delete-channel": "operator",
  "cost.save-budget": "operator",
  "cost.set-variance-threshold": "operator",
  "settings.update-locations": "admin",
  "users.change-role": "admin",
};

/** Actions on the portal's own data (users, Settings), in scope whatever Settings covers. */
const PORTAL_SCOPED = ["settings.update-locations", "users.change-role"];

/** Actions whose scope is a stored row's project: such a row outside Settings, and the input that names it. */
const STORED_OUTSIDE: Record<string, () => Promise<{ input: Record<string, unknown>; where: string }>> = {
  "alerting.acknowledge-incident": async () => {
    // Delivered while its project was covered; an admin has since taken it out of Settings.
    const incident = await db.alertIncident.create({
      data: {
        incidentId: `0.${randomUUID()}`,
        state: "open",
        project: "not-covered-project",
        service: "api",
        policyDisplayName: "5xx share above 1%",
        conditionName: "projects/not-covered-project/alertPolicies/1/conditions/1",
        summary: "5xx share above 1% on api",
        startedAt: new Date(),
      },
    });
    return { input: { id: incident.id }, where: "not-covered-project" };
  },
};

const DEFINITIONS = Object.values(ACTION_DEFINITIONS);
const below = (role: Role): Role | null => ROLES[ROLES.indexOf(role) - 1] ?? null;

/** Action names declared by definitions anywhere in lib (`name: "x.y"` in a file that builds an ActionDefinition). */
function declaredActionNames(): string[] {
  const lib = path.resolve(import.meta.dirname, "..");
  const files = readdirSync(lib, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("generated"),
  );
  return files
    .flatMap((f) => {
      const text = readFileSync(path.join(lib, f), "utf8");
      if (!text.includes("ActionDefinition<")) return [];
      return [...text.matchAll(/\bname: "([a-z-]+(?:\.[a-z-]+)+)"/g)].map((m) => m[1]);
    })
    .sort();
}

/**
 * What the emulator writes by itself while it runs, never a resource an action makes:
 * running instances' log entries and request/instance/utilization figures (per minute,
 * rolled up per hour and per day), and the points the uptime prober writes. Named one by
 * one: every other emulator table (services, revisions, jobs, schedules, secrets, Cloud
 * SQL, budgets, IAM, alert policies, channels, uptime checks, services and SLOs, snoozes,
 * incidents and their mail, metric descriptors, LROs) is in the fingerprint.
 */
const TELEMETRY = [
  "emu_log_entries",
  "emu_request_minutes",
  "emu_request_hours",
  "emu_request_days",
  "emu_instance_minutes",
  "emu_instance_hours",
  "emu_instance_days",
  "emu_utilization_minutes",
  "emu_utilization_hours",
  "emu_utilization_days",
  "emu_custom_points",
];
/**
 * Columns the emulator writes by itself in a resource's row: a Cloud Scheduler job firing
 * on its schedule records its attempt and next time. The rest of the row (its spec, state
 * and the time a person last changed it) is fingerprinted.
 */
const RUNNING_COLUMNS: Record<string, string[]> = {
  "public.sched_jobs": ["status", "schedule_time", "last_attempt_time"],
};
/** The portal's own record of each attempt, checked apart (exactly one row per attempt). */
const AUDIT = ["public.audit_events"];

/** Per table (`schema.table`) of a database: its row count and an md5 of its rows, but for the tables named. */
async function fingerprint(url: string, except: string[]): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ schema: string; name: string }>(
      "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
    );
    const out: Record<string, string> = {};
    for (const { schema, name } of tables) {
      const key = `${schema}.${name}`;
      if (except.includes(key)) continue;
      const skipped = RUNNING_COLUMNS[key] ?? [];
      const row = skipped.length
        ? `(to_jsonb(t) - ARRAY[${skipped.map((c) => `'${c}'`).join(", ")}]::text[])::text`
        : "t::text";
      out[key] = (
        await client.query(
          `SELECT count(*) || ':' || coalesce(md5(string_agg(${row}, '|' ORDER BY ${row})), '') AS f FROM "${schema}"."${name}" t`,
        )
      ).rows[0].f;
    }
    return out;
  } finally {
    await client.end();
  }
}

/**
 * Everything an action could change: every table of the portal's database but the audit
 * trail (operations, releases and their plans, users, locations, schedule targets, alert
 * channels and incidents, thresholds, the job queue), and every emulator table but telemetry.
 */
async function state() {
  return {
    emulator: await fingerprint(
      emulatorUrl,
      TELEMETRY.map((t) => `public.${t}`),
    ),
    portal: await fingerprint(portalUrl, AUDIT),
  };
}

/** Runs the definition the way its server action does (guardedAction passes getActor()'s answer, null when signed out). */
async function attempt(def: (typeof DEFINITIONS)[number], actor: Actor | null, input: Record<string, unknown>) {
  const requestId = randomUUID();
  const before = await state();
  const result = await (
    runGuarded as (
      d: unknown,
      a: Actor | null,
      i: unknown,
      deps: { db: Db; requestId: string },
    ) => ReturnType<typeof runGuarded>
  )(def, actor, input, { db, requestId });
  expect(await state(), `${def.name} changed something`).toEqual(before);
  const audits = await db.auditEvent.findMany({ where: { requestId } });
  expect(audits, `${def.name}: one audit row`).toHaveLength(1);
  return { result, audit: audits[0] };
}

describe("every server action", () => {
  it("is listed in ACTION_DEFINITIONS and in this test's table", () => {
    const listed = DEFINITIONS.map((d) => d.name).sort();
    expect(new Set(listed).size).toBe(listed.length);
    expect(declaredActionNames()).toEqual(listed);
    expect(Object.keys(CASES).sort()).toEqual(listed);
    expect(Object.keys(ROLE).sort(), "every action has its expected role written down in ROLE").toEqual(listed);
  });

  it("declares the role README.md gives it", () => {
    const declared = Object.fromEntries(DEFINITIONS.map((d) => [d.name, d.role]));
    expect(declared).toEqual(ROLE);
  });

  it("fingerprints every table but the telemetry named here, the alerting and release tables included", async () => {
    const { emulator, portal } = await state();
    const emulatorTables = await fingerprint(emulatorUrl, []); // with telemetry, to check the names
    for (const t of TELEMETRY)
      expect(Object.keys(emulatorTables), `telemetry table ${t} exists`).toContain(`public.${t}`);
    for (const t of [
      "emu_alerting_resources",
      "emu_alert_incidents",
      "emu_alert_outbox",
      "emu_metric_descriptors",
      "run_services",
      "sched_jobs",
      "billing_budgets",
    ]) {
      expect(Object.keys(emulator), `the fingerprint covers ${t}`).toContain(`public.${t}`);
    }
    for (const t of [
      "operations",
      "releases",
      "release_entries",
      "release_plans",
      "alert_webhook_channels",
      "alert_incidents",
      "alert_incident_events",
      "users",
      "fleet_locations",
    ]) {
      expect(Object.keys(portal), `the fingerprint covers ${t}`).toContain(`public.${t}`);
    }
  });

  it("declares the scope it changes (Settings' projects/regions are checked against it)", () => {
    for (const def of DEFINITIONS) expect(typeof def.scope, `${def.name} declares no scope`).toBe("function");
  });

  it("has valid sample inputs here, so the refusals below are the guard's and not the input's", () => {
    for (const def of DEFINITIONS) {
      const parsed = def.input.safeParse(CASES[def.name].valid());
      expect(parsed.success, `${def.name}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  describe.each(DEFINITIONS.map((def) => [def.name, def] as const))("%s", (name, def) => {
    const required = ROLE[name];
    it(`refuses every role below ${required}, audited as denied, changing nothing`, async () => {
      expect(required, `${name} has no expected role in ROLE`).toBeDefined();
      for (let role = below(required); role; role = below(role)) {
        const actor = await makeUser(db, role);
        const { result, audit } = await attempt(def, actor, CASES[name].valid());
        expect(result, `${name} as ${role}`).toMatchObject({
          ok: false,
          code: "forbidden",
          error: `This needs the ${required} role; you are ${role}.`,
        });
        expect(audit).toMatchObject({ action: name, outcome: "denied", actorEmail: actor.email, actorRole: role });
      }
    });

    it("refuses anyone not signed in, audited as denied, changing nothing", async () => {
      const { result, audit } = await attempt(def, null, CASES[name].valid());
      expect(result).toMatchObject({ ok: false, code: "unauthenticated", error: "Please sign in." });
      expect(audit).toMatchObject({ action: name, outcome: "denied", actorId: null, actorEmail: "anonymous" });
    });

    it("refuses a project or region outside Settings, audited as denied, changing nothing", async () => {
      const actor = await makeUser(db, required);
      if (STORED_OUTSIDE[name]) {
        // Its scope is a stored row's: a row of a project outside Settings.
        const { input, where } = await STORED_OUTSIDE[name]();
        const { result, audit } = await attempt(def, actor, input);
        expect(result).toEqual({
          ok: false,
          code: "forbidden",
          error: `${where} is not covered by this portal; an admin adds projects and regions in Settings.`,
        });
        expect(audit).toMatchObject({
          action: name,
          outcome: "denied",
          actorEmail: actor.email,
          error: expect.stringContaining(where),
        });
        return;
      }
      const valid = CASES[name].valid();
      // Every action so far declares one scope; the guard's own test covers lists (guarded.test.ts).
      const [scope] = scopeList(await def.scope!(def.input.parse(valid) as never, { db }));
      if (scope === "portal") {
        expect(PORTAL_SCOPED, `${name} says it changes only the portal's own data`).toContain(name);
        return; // The portal's own data: always in scope.
      }
      // A region the project is not covered in, or, for per-project resources, a project not covered at all
      // (resource names in the input move with it, so the input stays valid).
      const regionKey = "region" in valid ? "region" : "location";
      const elsewhere = JSON.parse(
        JSON.stringify(valid).replaceAll(`projects/${scope.project}/`, "projects/not-covered-project/"),
      );
      const outside = scope.region
        ? { ...valid, [regionKey]: "asia-east1" }
        : { ...elsewhere, project: "not-covered-project" };
      const { result, audit } = await attempt(def, actor, outside);
      const where = scope.region ? `${scope.project}/asia-east1` : "not-covered-project";
      expect(result).toEqual({
        ok: false,
        code: "forbidden",
        error: `${where} is not covered by this portal; an admin adds projects and regions in Settings.`,
      });
      expect(audit).toMatchObject({
        action: name,
        outcome: "denied",
        actorEmail: actor.email,
        details: { refusedScope: expect.stringContaining(where) },
      });
    });

    it("audits input with NUL characters and lone surrogates in every field, escaped, changing nothing", async () => {
      const actor = await makeUser(db, required);
      const nasty = (v: unknown) => (typeof v === "string" ? `${v}\u0000\ud800` : v);
      const input = Object.fromEntries(Object.entries(CASES[name].valid()).map(([k, v]) => [k, nasty(v)]));
      const { audit } = await attempt(def, actor, { ...input, "key\u0000": "\udc00" });
      expect(audit.outcome).toBe("invalid");
      expect(JSON.stringify(audit.input)).toContain("\\\\u0000");
      expect(JSON.stringify(audit.input)).toContain("\\\\ud800");
    });

    it("refuses invalid input from its own role, audited as invalid, changing nothing", async () => {
      const actor = await makeUser(db, required);
      const { result, audit } = await attempt(def, actor, CASES[name].invalid());
      expect(result).toMatchObject({ ok: false, code: "invalid" });
      expect(Object.keys((result as { fieldErrors?: object }).fieldErrors ?? {})).toContain(CASES[name].field);
      expect(audit).toMatchObject({ action: name, outcome: "invalid", actorEmail: actor.email });
    });
  });
});
