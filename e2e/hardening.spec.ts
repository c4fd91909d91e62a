// The security sweep of issue 14, kept as a suite against the running e2e
// portal: server actions enumerated by role, a seeded fuzz of every action and
// read route over plain HTTP (no 5xx, nothing changed, an audit row for every
// attempt), cross-origin and malformed posts, security headers and the CSP in
// a real browser, revocation, rate limits, and a search for secret values.
// Its figures are printed at the end. SWEEP_SEED=<n> replays another seed.
import { randomUUID } from "node:crypto";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { expect, test } from "@playwright/test";
import { grpc } from "google-gax";
import { E2E } from "../playwright.config";
import { ROLES, withPortalDb, type Role } from "./support";
import {
  auditRowsFor,
  callAction,
  figures,
  hostile,
  person,
  portalState,
  printFigures,
  SEED,
  seeded,
  serverActions,
  type Person,
} from "./sweep";

const INPUTS_PER_TARGET = 200;
const actions = serverActions();
const ref = { project: "pyplots-prod", region: "europe-west4", service: "pyplots-api" };
const guard = () => ({ etag: "etag", idempotencyKey: randomUUID() });
/** The shape of each known action's input; actions added later are fuzzed with whole-input garbage. */
const BASES: Record<string, () => Record<string, unknown>> = {
  deploy: () => ({
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
  shiftTraffic: () => ({ ...ref, ...guard(), entries: [{ revision: "LATEST", percent: 100 }] }),
  rollback: () => ({ ...ref, ...guard(), toRevision: "pyplots-api-00001-abc" }),
  sendAllToLatest: () => ({ ...ref, ...guard() }),
  backupNow: () => ({ project: "pyplots-prod", instance: "pyplots-db", idempotencyKey: randomUUID() }),
  restoreBackup: () => ({
    project: "pyplots-prod",
    instance: "pyplots-db",
    sourceInstance: "pyplots-db",
    backupRunId: "1",
    confirmName: "pyplots-db",
    idempotencyKey: randomUUID(),
  }),
  rotateSecret: () => ({
    project: "pyplots-prod",
    secret: "db-password",
    idempotencyKey: randomUUID(),
    mode: "enter",
    newValue: "sweep-value-1",
    confirmValue: "sweep-value-1",
  }),
  updateLocations: () => ({ locations: "pyplots-prod/europe-west4" }),
  changeRole: () => ({ userId: randomUUID(), role: "admin" }),
};
const REQUIRED_ROLE: Record<string, Role> = {
  deploy: "developer",
  shiftTraffic: "developer",
  rollback: "developer",
  sendAllToLatest: "developer",
  backupNow: "operator",
  restoreBackup: "operator",
  rotateSecret: "operator",
  updateLocations: "admin",
  changeRole: "admin",
};

let ipSeq = 0;
const nextIp = () => `203.0.113.${(ipSeq++ % 250) + 1}`;
const isServerError = (status: number) => status >= 500;

test.afterAll(() => printFigures());

test.describe("server actions", () => {
  test("are all found in the build, and each known one has its input shape here", () => {
    expect(actions.map((a) => a.name)).toEqual(expect.arrayContaining(Object.keys(BASES)));
    for (const a of actions) expect(a.id, a.name).toMatch(/^[0-9a-f]{40,42}$/);
  });

  test("enumerated by role: anonymous is refused by the proxy, roles below the action's are denied, from it up the input is checked; each attempt audited", async ({
    request,
  }) => {
    test.setTimeout(180_000);
    const people = Object.fromEntries(
      await Promise.all(ROLES.map(async (r) => [r, await person(r, "enum")] as const)),
    ) as Record<Role, Person>;
    const r = seeded(SEED);
    for (const action of actions) {
      const base = BASES[action.name]?.() ?? null;
      const anon = randomUUID();
      const a = await callAction(request, action, hostile(r, base), { ip: nextIp(), requestId: anon });
      figures.calls++;
      figures.refusals++;
      expect(a.status, `${action.name} anonymous`).toBe(401);
      expect((await auditRowsFor([anon])).get(anon), `${action.name} anonymous audit`).toMatchObject({
        action: "request.anonymous",
        outcome: "denied",
      });
      const outcomes: string[] = [];
      for (const role of ROLES) {
        const rid = randomUUID();
        // One field of the wrong kind (or no object at all): the guard's refusals, not the proxy's.
        const input = base ? { ...base, [Object.keys(base)[0]]: { $ne: null } } : null;
        const call = await callAction(request, action, input, {
          cookie: people[role].cookie,
          ip: nextIp(),
          requestId: rid,
        });
        figures.calls++;
        if (call.result?.ok === false) figures.refusals++;
        expect(call.status, `${action.name} as ${role}`).toBe(200);
        const row = (await auditRowsFor([rid])).get(rid);
        if (!row) figures.missingAuditRows++;
        outcomes.push(row?.outcome ?? "none");
      }
      const first = outcomes.indexOf("invalid");
      expect(first, `${action.name}: ${outcomes.join(", ")}`).toBeGreaterThanOrEqual(0);
      expect(outcomes, action.name).toEqual(ROLES.map((_, i) => (i < first ? "denied" : "invalid")));
      if (REQUIRED_ROLE[action.name]) expect(ROLES[first], action.name).toBe(REQUIRED_ROLE[action.name]);
    }
  });

  test(`fuzzed with ${INPUTS_PER_TARGET} hostile inputs each: no 5xx, nothing changed, an audit row for every attempt`, async ({
    request,
  }) => {
    test.setTimeout(900_000);
    const r = seeded(SEED + 1);
    for (const action of actions) {
      // A fresh person and address every 96 calls: the rate limits are tested on their own below.
      const callers = await Promise.all(
        Array.from({ length: Math.ceil(INPUTS_PER_TARGET / 96) }, () => person("admin", "fuzz")),
      );
      const before = await portalState();
      const sent: { rid: string; status: number }[] = [];
      let [caller, ip] = [callers[0], nextIp()];
      for (let i = 0; i < INPUTS_PER_TARGET; i += 8) {
        if (i % 96 === 0 && i > 0) [caller, ip] = [callers[i / 96], nextIp()];
        const batch = Array.from({ length: Math.min(8, INPUTS_PER_TARGET - i) }, () => ({
          rid: randomUUID(),
          input: hostile(r, BASES[action.name]?.() ?? null),
        }));
        const results = await Promise.all(
          batch.map((b) => callAction(request, action, b.input, { cookie: caller.cookie, ip, requestId: b.rid })),
        );
        results.forEach((res, k) => {
          sent.push({ rid: batch[k].rid, status: res.status });
          figures.calls++;
          if (res.status >= 400 || res.result?.ok === false) figures.refusals++;
          if (isServerError(res.status)) figures.serverErrors++;
        });
      }
      const rows = await auditRowsFor(sent.map((s) => s.rid));
      const missing = sent.filter((s) => !rows.has(s.rid));
      figures.missingAuditRows += missing.length;
      const changed = (await portalState()) !== before;
      if (changed) figures.stateChanges++;
      expect(
        sent.filter((s) => isServerError(s.status)),
        `${action.name}: 5xx`,
      ).toEqual([]);
      expect(missing, `${action.name}: attempts without an audit row`).toEqual([]);
      expect(changed, `${action.name} changed the portal's state`).toBe(false);
      expect(
        [...rows.values()].every((row) => row.outcome === "invalid" || row.outcome === "denied"),
        `${action.name}: only refusals`,
      ).toBe(true);
    }
  });
});

/** Read routes with hostile query strings: a project is never a covered one, so no live tail stays open. */
const ROUTES: { path: (r: ReturnType<typeof seeded>) => string }[] = [
  {
    path: (r) =>
      `/api/logs?${params(r, ["project", "service", "severity", "text", "revision", "from", "to", "kind", "pageToken"])}`,
  },
  { path: (r) => `/api/logs/tail?${params(r, ["project", "service", "severity", "text"])}` },
  { path: (r) => `/api/metrics?${params(r, ["project", "service", "chart", "range", "from", "to"])}` },
  { path: (r) => `/api/operations/${encodeURIComponent(String(hostile(r, { id: "x" }) ?? "x").slice(0, 80)) || "x"}` },
];
function params(r: ReturnType<typeof seeded>, keys: string[]): string {
  const q = new URLSearchParams();
  for (const k of keys) if (r.next() < 0.7) q.set(k, String(JSON.stringify(hostile(r, { v: 1 }))).slice(0, 300));
  if (r.next() < 0.5)
    q.set("project", r.pick(["other-project", "someone-elses", "pyplots-prod\u0000", "PYPLOTS-PROD", ""]));
  return q.toString();
}

test.describe("read routes", () => {
  test(`fuzzed with ${INPUTS_PER_TARGET} hostile queries each: no 5xx, nothing changed`, async ({ request }) => {
    test.setTimeout(300_000);
    const viewer = await person("viewer", "routes");
    const r = seeded(SEED + 2);
    const before = await portalState();
    for (const route of ROUTES) {
      for (let i = 0; i < INPUTS_PER_TARGET; i += 10) {
        const results = await Promise.all(
          Array.from({ length: 10 }, () => route.path(r)).map(async (p) => {
            const res = await request.get(p, {
              headers: { cookie: viewer.cookie },
              failOnStatusCode: false,
              timeout: 15_000,
            });
            return { p, status: res.status() };
          }),
        );
        for (const res of results) {
          figures.calls++;
          if (res.status >= 400) figures.refusals++;
          if (isServerError(res.status)) figures.serverErrors++;
        }
        expect(
          results.filter((x) => isServerError(x.status)),
          "5xx",
        ).toEqual([]);
      }
    }
    expect(await portalState()).toBe(before);
  });
});

test.describe("posts the proxy refuses", () => {
  test("cross-origin: 403 and audited; over 1 MB: 413; undecodable: 400; no 5xx", async ({ request }) => {
    const dev = await person("developer", "origin");
    const action = actions.find((a) => a.name === "deploy")!;
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const cross = await callAction(request, action, BASES.deploy(), {
      cookie: dev.cookie,
      ip: nextIp(),
      requestId: ids[0],
      origin: "https://evil.example",
    });
    const big = await callAction(request, action, null, {
      cookie: dev.cookie,
      ip: nextIp(),
      requestId: ids[1],
      raw: JSON.stringify([null, { image: "x".repeat(1_100_000) }]),
    });
    const broken = await callAction(request, action, null, {
      cookie: dev.cookie,
      ip: nextIp(),
      requestId: ids[2],
      raw: '[null, {"image": ',
    });
    figures.calls += 3;
    figures.refusals += 3;
    expect([cross.status, big.status, broken.status]).toEqual([403, 413, 400]);
    expect(cross.text).toBe("Cross-origin request refused: https://evil.example is not this portal.\n");
    const rows = await auditRowsFor(ids);
    expect(ids.map((id) => rows.get(id)?.action)).toEqual([
      "request.cross-origin",
      "request.malformed",
      "request.malformed",
    ]);
  });
});

test.describe("security headers and the CSP", () => {
  test.use({ storageState: "e2e/.auth/admin.json" });

  test("every page answers with them, and runs under the CSP without a violation: charts, the live tail, the forms", async ({
    page,
    request,
  }) => {
    test.setTimeout(180_000);
    const res = await request.get("/signin");
    const csp = res.headers()["content-security-policy"];
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers()).toMatchObject({
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-frame-options": "DENY",
    });
    expect(res.headers()["permissions-policy"]).toContain("camera=()");
    expect(res.headers()["strict-transport-security"]).toBeUndefined(); // Plain HTTP here; HTTPS gets it (test/security/proxy-refusals.test.ts).

    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
    });
    await page.addInitScript(() =>
      document.addEventListener("securitypolicyviolation", (e) =>
        console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`),
      ),
    );
    for (const path of [
      "/",
      "/services/pyplots-prod/europe-west4/pyplots-api",
      "/services/pyplots-prod/europe-west4/pyplots-api/deploy",
      "/costs",
      "/secrets",
      "/secrets/pyplots-prod/db-password",
      "/databases",
      "/audit",
      "/users",
      "/settings",
    ]) {
      await page.goto(path);
      await expect(page.getByRole("main")).toBeVisible();
      await page.waitForLoadState("networkidle");
    }
    // Charts draw (client JavaScript ran) and the live tail opens (EventSource under connect-src 'self').
    await page.goto("/services/pyplots-prod/europe-west4/pyplots-api");
    await expect(page.getByRole("region", { name: "Request rate" })).toBeVisible();
    await page.waitForLoadState("networkidle");
    await page.goto("/logs?project=pyplots-prod&service=pyplots-api");
    await page.getByRole("button", { name: "Live tail" }).click();
    await expect(page.getByText("streaming new entries")).toBeVisible({ timeout: 30_000 });
    // A form's server action as the browser sends it (Next's own encoding) passes the proxy's checks, and its result shows.
    const someone = await person("viewer", "csp-form");
    await page.goto("/users");
    const row = page.getByTestId(`user-row-${someone.email}`);
    await row.getByRole("combobox", { name: `Role of ${someone.email}` }).selectOption("developer");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("status")).toHaveText(`${someone.email} is now developer.`);
    expect(violations).toEqual([]);
  });
});

test.describe("sessions", () => {
  test("a copied session cookie stops working at sign-out; a role change applies on the next request", async ({
    request,
  }) => {
    const ann = await person("developer", "revoke");
    const api = (cookie: string) => request.get("/api/fleet/metrics", { headers: { cookie }, failOnStatusCode: false });
    expect((await api(ann.cookie)).status()).toBe(200);
    // Sign out the way the user menu does: next-auth's CSRF token, then POST /api/auth/signout.
    const csrf = await request.get("/api/auth/csrf", { headers: { cookie: ann.cookie } });
    const csrfCookie = (csrf.headers()["set-cookie"] ?? "").split(";")[0];
    const out = await request.post("/api/auth/signout", {
      headers: { cookie: `${ann.cookie}; ${csrfCookie}`, "content-type": "application/x-www-form-urlencoded" },
      data: `csrfToken=${(await csrf.json()).csrfToken}`,
      maxRedirects: 0,
      failOnStatusCode: false,
    });
    expect(out.status()).toBeLessThan(400);
    expect((await api(ann.cookie)).status()).toBe(401);

    const bob = await person("developer", "demote");
    const deploy = actions.find((a) => a.name === "deploy")!;
    const attempt = async () => {
      const rid = randomUUID();
      await callAction(request, deploy, { image: 5 }, { cookie: bob.cookie, ip: nextIp(), requestId: rid });
      return (await auditRowsFor([rid])).get(rid)?.outcome;
    };
    expect(await attempt()).toBe("invalid");
    await withPortalDb((c) => c.query("UPDATE users SET role = 'viewer' WHERE id = $1", [bob.id]));
    expect(await attempt()).toBe("denied");
  });
});

/** Limits count in fixed one-minute windows: start a burst with at least 15 s of its window left. */
async function awayFromWindowEdge() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await new Promise((r) => setTimeout(r, left + 50));
}

test.describe("rate limits", () => {
  test("a person's server actions past 120 a minute get 429; sign-in for one account past 10 a minute gets 429", async ({
    request,
  }) => {
    test.setTimeout(120_000);
    await awayFromWindowEdge();
    const dev = await person("developer", "limit");
    const action = actions.find((a) => a.name === "deploy")!;
    const statuses: number[] = [];
    for (let i = 0; i < 121; i += 11) {
      const calls = Array.from({ length: Math.min(11, 121 - i) }, () =>
        callAction(request, action, { image: 5 }, { cookie: dev.cookie, ip: nextIp(), requestId: randomUUID() }),
      );
      statuses.push(...(await Promise.all(calls)).map((c) => c.status));
    }
    figures.calls += statuses.length;
    figures.refusals += statuses.length;
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);

    await awayFromWindowEdge();
    const email = `limit-${randomUUID()}@runway.local`;
    const signIns: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await request.post("/api/auth/callback/local", {
        form: { email, csrfToken: "x" },
        headers: { "x-forwarded-for": nextIp() },
        maxRedirects: 0,
        failOnStatusCode: false,
      });
      signIns.push(res.status());
    }
    figures.calls += signIns.length;
    expect(signIns.slice(0, 10)).not.toContain(429);
    expect(signIns[10]).toBe(429);
  });
});

test.describe("secret values", () => {
  test.use({ storageState: "e2e/.auth/operator.json" });

  test("appear nowhere but Secret Manager: not in pages, API answers, the audit trail or operation rows", async ({
    page,
    request,
  }) => {
    test.setTimeout(120_000);
    const sm = new SecretManagerServiceClient({
      apiEndpoint: "127.0.0.1",
      port: E2E.emulatorGrpcPort,
      sslCreds: grpc.credentials.createInsecure(),
      projectId: "runway-e2e",
    });
    const values = new Set<string>(["sweep-value-1"]);
    const secretPages: string[] = [];
    for (const project of [
      "pyplots-prod",
      "intentvision-prod",
      "elevendops-prod",
      "shortfactory-prod",
      "ai-usage-analytics-prod",
    ]) {
      const [secrets] = await sm.listSecrets({ parent: `projects/${project}` });
      for (const s of secrets) {
        secretPages.push(`/secrets/${project}/${s.name!.split("/").pop()}`);
        const [versions] = await sm.listSecretVersions({ parent: s.name! });
        for (const v of versions.filter((x) => x.state === "ENABLED")) {
          const [got] = await sm.accessSecretVersion({ name: v.name! });
          const value = Buffer.from(got.payload!.data as Uint8Array).toString("utf8");
          if (value.length >= 8) values.add(value);
        }
      }
    }
    expect(values.size).toBeGreaterThan(3);
    const found: string[] = [];
    const search = (where: string, text: string) => {
      for (const v of values) if (text.includes(v)) found.push(`${where}: ${v.slice(0, 4)}…`);
    };
    for (const path of [
      "/",
      "/secrets",
      ...secretPages,
      "/services/pyplots-prod/europe-west4/pyplots-api",
      "/audit",
      "/databases",
    ]) {
      await page.goto(path);
      search(path, await page.content());
    }
    await withPortalDb(async (c) => {
      search("audit_events", JSON.stringify((await c.query("SELECT * FROM audit_events")).rows));
      const ops = (await c.query("SELECT * FROM operations")).rows;
      search("operations", JSON.stringify(ops));
      for (const op of ops.slice(-20))
        search(`/api/operations/${op.id}`, await (await request.get(`/api/operations/${op.id}`)).text());
    });
    expect(found).toEqual([]);
  });
});
