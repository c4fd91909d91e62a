// Finding (issue 26, "read routes outside Settings are proven only through a
// helper"): every route handler under app/api, requested over HTTP from the portal
// as Next serves it (its proxy, routing and handlers, in `next dev`) by a signed-in
// admin, about a project outside Settings: 403; the same request about a covered
// project answers. elevendops-prod is seeded in this test's emulator (its services,
// logs and metrics are there) but left out of this portal's Settings, so a route
// that forgot the check would answer with its data. The routes are listed from
// app/api: a new one without a case here fails the first test.
import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../emulator";
import { startNext, type NextServer } from "../next-server";
import { createPortalDatabaseUrl, makeUser } from "../portal-db";
import { createDb, type Db } from "@/lib/db";
import { DEFAULT_PLAN } from "@/lib/releases/plan";
import { createRelease } from "@/lib/releases/store";
import { EMULATOR_DEFAULT_LOCATIONS } from "@/lib/services/locations";

const UNCOVERED = "elevendops-prod";
const SECRET = randomUUID() + randomUUID();

let db: Db;
let next: NextServer;
let stopEmulator: () => Promise<void>;
let cookie: string;
const ids = { coveredOperation: "", uncoveredOperation: "", coveredRelease: "", uncoveredRelease: "" };

const covered = { project: "pyplots-prod", region: "europe-west4", service: "pyplots-api" };
const uncovered = { project: UNCOVERED, region: "us-central1", service: "elevendops" };
const serviceName = (s: typeof covered) => `projects/${s.project}/locations/${s.region}/services/${s.service}`;

/** A finished operation on the service: nothing for the portal's followers to pick up. */
async function operation(s: typeof covered, kind = "deploy"): Promise<string> {
  const op = await db.operation.create({
    data: {
      idempotencyKey: randomUUID(),
      kind,
      target: serviceName(s),
      status: "succeeded",
      steps: [],
      actorEmail: "ann@example.com",
      finishedAt: new Date(),
    },
  });
  return op.id;
}

async function release(s: typeof covered): Promise<string> {
  // An ended release, its operation finished.
  const r = await createRelease(db, {
    operationId: await operation(s, "release"),
    service: serviceName(s),
    canary: `${s.service}-00002-abc`,
    canaryTag: "canary",
    plan: DEFAULT_PLAN,
    prior: [],
    stable: [],
    state: "promoted",
    etag: "e1",
  });
  return r.operationId;
}

beforeAll(async () => {
  const url = await createPortalDatabaseUrl();
  db = createDb(url);
  // Settings: the seeded pairs but elevendops-prod's (the portal keeps what it finds at start-up).
  await db.fleetLocation.createMany({
    data: EMULATOR_DEFAULT_LOCATIONS.filter((l) => l.project !== UNCOVERED).map((l) => ({ ...l, addedBy: "test" })),
  });
  const { emulator } = await startTestEmulator();
  stopEmulator = () => emulator.stop();
  const admin = await makeUser(db, "admin");
  cookie = `next-auth.session-token=${await encode({ token: { uid: admin.id, sid: randomUUID(), email: admin.email, sub: admin.id }, secret: SECRET })}`;
  ids.coveredOperation = await operation(covered);
  ids.uncoveredOperation = await operation(uncovered);
  ids.coveredRelease = await release(covered);
  ids.uncoveredRelease = await release(uncovered);
  next = await startNext({ DATABASE_URL: url, AUTH_SECRET: SECRET, GCP_EMULATOR_HOST: emulator.endpoint });
}, 600_000);

afterAll(async () => {
  await next?.stop();
  await stopEmulator?.();
});

/** GET as the signed-in admin: the status and the text (of an event stream, up to its first event, then it is cancelled). */
async function get(pathAndQuery: string): Promise<{ status: number; text: string }> {
  const abort = new AbortController();
  const res = await fetch(`${next.url}${pathAndQuery}`, {
    headers: { cookie },
    redirect: "manual",
    signal: abort.signal,
  });
  if (!res.headers.get("content-type")?.startsWith("text/event-stream"))
    return { status: res.status, text: await res.text() };
  let text = "";
  const decoder = new TextDecoder();
  const reader = res.body!.getReader();
  while (!text.includes("\n\n")) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  abort.abort();
  return { status: res.status, text };
}

const q = (s: typeof covered, extra: Record<string, string> = {}) =>
  new URLSearchParams({ project: s.project, service: s.service, ...extra }).toString();

/** Per route file: the same request about an uncovered and about a covered project. */
const ABOUT_A_PROJECT: Record<string, { name: string; outside: () => string; inside: () => string }[]> = {
  "app/api/fleet/route.ts": [
    {
      name: "a page filtered to a project",
      outside: () => `/api/fleet?limit=50&project=${UNCOVERED}`,
      inside: () => `/api/fleet?limit=50&project=${covered.project}`,
    },
    {
      name: "a project/region filter",
      outside: () => `/api/fleet?limit=50&project=${covered.project}&region=us-central1`,
      inside: () => `/api/fleet?limit=50&project=${covered.project}&region=${covered.region}`,
    },
    {
      name: "the whole list filtered",
      outside: () => `/api/fleet?project=${UNCOVERED}`,
      inside: () => `/api/fleet?project=${covered.project}`,
    },
  ],
  "app/api/logs/route.ts": [
    { name: "log lines", outside: () => `/api/logs?${q(uncovered)}`, inside: () => `/api/logs?${q(covered)}` },
  ],
  "app/api/logs/tail/route.ts": [
    {
      name: "the live tail",
      outside: () => `/api/logs/tail?${q(uncovered)}`,
      inside: () => `/api/logs/tail?${q(covered)}`,
    },
  ],
  "app/api/metrics/route.ts": [
    {
      name: "a chart",
      outside: () => `/api/metrics?${q(uncovered, { chart: "requests" })}`,
      inside: () => `/api/metrics?${q(covered, { chart: "requests" })}`,
    },
  ],
  "app/api/operations/[id]/route.ts": [
    {
      name: "an operation",
      outside: () => `/api/operations/${ids.uncoveredOperation}`,
      inside: () => `/api/operations/${ids.coveredOperation}`,
    },
  ],
  "app/api/releases/[id]/route.ts": [
    {
      name: "a release",
      outside: () => `/api/releases/${ids.uncoveredRelease}`,
      inside: () => `/api/releases/${ids.coveredRelease}`,
    },
  ],
};

/** Routes that take no project: they answer Settings' projects only, so an uncovered project's data is not in them. */
const SETTINGS_ONLY: Record<string, string> = {
  "app/api/fleet/metrics/route.ts": "/api/fleet/metrics",
};

/** Routes with nothing of a project to refuse, and why. */
const EXEMPT: Record<string, string> = {
  "app/api/auth/[...nextauth]/route.ts":
    "next-auth's sign-in, callback, session, CSRF and sign-out endpoints: about a person, answered before anyone is signed in",
  "app/api/health/route.ts":
    "liveness and readiness for Cloud Run and load balancers: the database check only, no project's data",
  "app/api/alerting/intake/[channel]/route.ts":
    "Cloud Monitoring's webhook: a POST authenticated by its channel's token, not a session; it stores deliveries and reads nothing back (lib/alerting/intake.ts)",
};

function routeFiles(): string[] {
  const root = path.resolve(import.meta.dirname, "../..");
  return readdirSync(path.join(root, "app/api"), { recursive: true, encoding: "utf8" })
    .filter((f) => /(^|\/)route\.tsx?$/.test(f))
    .map((f) => `app/api/${f}`)
    .sort();
}

// Each route compiles on its first request (next dev), which on a busy machine takes a while.
describe("every route handler under app/api", { timeout: 300_000 }, () => {
  it("has a case here, or a reason to be exempt", () => {
    expect(routeFiles()).toEqual(
      [...Object.keys(ABOUT_A_PROJECT), ...Object.keys(SETTINGS_ONLY), ...Object.keys(EXEMPT)].sort(),
    );
  });

  describe.each(Object.entries(ABOUT_A_PROJECT))("%s", (_route, cases) => {
    it.each(cases)(
      "refuses $name outside Settings with 403 over HTTP, and answers a covered one",
      async ({ outside, inside }) => {
        const refused = await get(outside());
        expect(refused.status, refused.text).toBe(403);
        expect(JSON.parse(refused.text).error).toMatch(
          new RegExp(`^(${UNCOVERED}(/us-central1)?|${covered.project}/us-central1) is not covered by this portal`),
        );
        const answered = await get(inside());
        expect(answered.status, answered.text).toBe(200);
        if (answered.text.startsWith("event:")) expect(answered.text).toMatch(/^event: (ready|lines)\n/);
      },
    );
  });

  describe.each(Object.entries(SETTINGS_ONLY))("%s", (_route, route) => {
    it("answers for Settings' projects and holds nothing of an uncovered one", async () => {
      const res = await get(route);
      expect(res.status, res.text).toBe(200);
      expect(res.text).toContain(covered.project);
      expect(res.text).not.toContain(UNCOVERED);
    });
  });

  it("the fleet without a filter lists Settings' projects only", async () => {
    const res = await get("/api/fleet");
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain(covered.project);
    expect(res.text).not.toContain(UNCOVERED);
  });
});
