// The security sweep's tools (issue 14), used by e2e/hardening.spec.ts: people
// with minted sessions, every server action found in the build's manifest and
// called over plain HTTP as a client would, a seeded generator of hostile
// inputs, a fingerprint of what actions could change, and the sweep's figures.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { encode } from "next-auth/jwt";
import { E2E } from "../playwright.config";
import { createUser, withPortalDb, type Role } from "./support";

export const SEED = Number(process.env.SWEEP_SEED || 14_2026);

/** mulberry32: a small seeded generator, so a failing input can be made again. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    int: (n: number) => Math.floor(next() * n),
  };
}
export type Rand = ReturnType<typeof seeded>;

// ── people ──

const authSecret = () => readFileSync(path.join(E2E.dataDir, "auth-secret"), "utf8").trim();

/** A session cookie as next-auth issues it at sign-in (our user id and a new session id). */
export async function sessionCookie(uid: string, email: string): Promise<string> {
  return `next-auth.session-token=${await encode({ token: { uid, sid: randomUUID(), email, sub: uid }, secret: authSecret() })}`;
}

export type Person = { id: string; email: string; role: Role; cookie: string };

export async function person(role: Role, label = "sweep"): Promise<Person> {
  const email = `${label}-${role}-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const id = await createUser(email, role);
  return { id, email, role, cookie: await sessionCookie(id, email) };
}

// ── server actions ──

export type ServerAction = { name: string; id: string; page: string };

const PARAMS: Record<string, string> = {
  project: "pyplots-prod",
  region: "europe-west4",
  service: "pyplots-api",
  secret: "db-password",
};

/** Every server action of components/<feature>/actions.ts in the build, with a page that serves it. */
export function serverActions(): ServerAction[] {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { exportedName?: string; filename?: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node)
    .filter(([, v]) => /^components\/[^/]+\/actions\.ts$/.test(v.filename ?? ""))
    .map(([id, v]) => {
      const worker = Object.keys(v.workers)[0];
      const page =
        worker
          .replace(/^app/, "")
          .replace(/\/\([^)]+\)/g, "")
          .replace(/\/page$/, "")
          .replace(/\[(\w+)\]/g, (_, p: string) => PARAMS[p] ?? p) || "/";
      return { name: v.exportedName!, id, page };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export type Call = { status: number; result: { ok: boolean; code?: string; error?: string } | null; text: string };

/** Calls a server action the way Next's client does: `(previousState, input)` as a JSON array. */
export async function callAction(
  request: APIRequestContext,
  action: ServerAction,
  input: unknown,
  o: { cookie?: string; ip: string; requestId: string; origin?: string; raw?: string },
): Promise<Call> {
  const res = await request.post(action.page, {
    headers: {
      "next-action": action.id,
      "content-type": "text/plain;charset=UTF-8",
      accept: "text/x-component",
      origin: o.origin ?? `http://localhost:${E2E.port}`,
      "x-forwarded-for": o.ip,
      "x-request-id": o.requestId,
      ...(o.cookie ? { cookie: o.cookie } : {}),
    },
    data: o.raw ?? JSON.stringify([null, input]),
    maxRedirects: 0,
    failOnStatusCode: false,
  });
  const text = await res.text();
  return { status: res.status(), result: flightResult(text), text };
}

/** The action's return value from a flight response (`1:{"ok":…}`). */
function flightResult(text: string): Call["result"] {
  for (const line of text.split("\n")) {
    const m = /^[0-9a-f]+:(\{.*\})$/.exec(line);
    if (!m) continue;
    try {
      const v = JSON.parse(m[1]);
      if (typeof v?.ok === "boolean") return v;
    } catch {}
  }
  return null;
}

// ── hostile inputs ──

const STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udc00x",
  "😀",
  "\u202e",
  "x".repeat(5000),
  "$",
  "$$",
  "$K1",
  "$@0",
  "$Q",
  "'; DROP TABLE users; --",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "projects/other-project/locations/us-east1/services/x",
  "%00",
  "\r\n\r\nX: y",
  "null",
  "true",
  "-1",
  "1e309",
  "NaN",
  "0x10",
  "ＡＢＣ",
  "admin",
  "LATEST",
  "other-project",
  "asia-east1",
  "00000000-0000-0000-0000-000000000000",
];
const POISON: unknown[] = [{ $ne: null }, [1, [2]], JSON.parse('{"__proto__": {"admin": true}}'), { toString: "x" }];

export function garbage(r: Rand, depth = 0): unknown {
  switch (r.int(depth > 1 ? 6 : 9)) {
    case 0:
      return r.pick(STRINGS);
    case 1:
      return r.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, 100, 101]);
    case 2:
      return r.pick([true, false, null]);
    case 3:
      return r.pick(STRINGS) + r.pick(STRINGS);
    case 4:
      return String.fromCharCode(...Array.from({ length: 1 + r.int(12) }, () => r.int(0xffff)));
    case 5:
      return r.pick(POISON);
    case 6:
      return Array.from({ length: r.int(4) }, () => garbage(r, depth + 1));
    case 7:
      return Object.fromEntries(
        Array.from({ length: r.int(4) }, () => [r.pick(STRINGS).slice(0, 20), garbage(r, depth + 1)]),
      );
    default:
      return r.pick(POISON);
  }
}

/**
 * A hostile variant of `base` that can never be valid: one field (or the whole
 * input) is a value of the wrong kind, and others may be garbage too.
 */
export function hostile(r: Rand, base: Record<string, unknown> | null): unknown {
  const keys = base ? Object.keys(base) : [];
  if (!base || keys.length === 0 || r.next() < 0.1) return r.pick([null, 42, "string", [base], true]);
  const input: Record<string, unknown> = { ...base };
  for (let i = r.int(3); i > 0; i--) input[r.pick(keys)] = garbage(r);
  if (r.next() < 0.3) input[r.pick(STRINGS).slice(0, 30) || "extra"] = garbage(r);
  input[r.pick(keys)] = r.pick(POISON); // Last, so no garbage can replace it.
  return input;
}

// ── what actions could change ──

/** Users and roles, covered locations, operation rows: equal before and after means nothing changed. */
export async function portalState(): Promise<string> {
  return withPortalDb(async (c) => {
    const users = (await c.query("SELECT id, email, role FROM users ORDER BY id")).rows;
    const locations = (await c.query("SELECT project, region FROM fleet_locations ORDER BY 1, 2")).rows;
    const operations = (await c.query("SELECT id, status FROM operations ORDER BY id")).rows;
    return JSON.stringify({ users, locations, operations });
  });
}

export async function auditRowsFor(
  clientRequestIds: string[],
): Promise<Map<string, { action: string; outcome: string; error: string | null; input: unknown }>> {
  return withPortalDb(async (c) => {
    const { rows } = await c.query(
      "SELECT client_request_id, action, outcome, error, input FROM audit_events WHERE client_request_id = ANY($1)",
      [clientRequestIds],
    );
    return new Map(
      rows.map((r) => [
        r.client_request_id as string,
        { action: r.action, outcome: r.outcome, error: r.error, input: r.input },
      ]),
    );
  });
}

// ── figures ──

export const figures = { calls: 0, refusals: 0, serverErrors: 0, missingAuditRows: 0, stateChanges: 0 };

export function printFigures() {
  console.log(
    `\nsecurity sweep (seed ${SEED}): ${figures.calls} calls, ${figures.refusals} refusals, ${figures.serverErrors} 5xx, ${figures.missingAuditRows} missing audit rows, ${figures.stateChanges} state changes on invalid input`,
  );
}
