// The least-privilege roles in deploy/ (issue 14, production deployment) must
// cover what the portal really calls. Every Google client the portal builds
// (`new XClient(` in lib/) is asked for its RPC methods, lib/ is searched for
// calls to them, and each call must map (deploy/permissions.json) to an IAM
// permission that one of the custom roles in deploy/roles.tf grants; a role
// permission no call needs fails too, so the roles stay least-privilege.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { grpc } from "google-gax";
import { describe, expect, it } from "vitest";
import { CloudCatalogClient } from "@google-cloud/billing";
import * as billingBudgets from "@google-cloud/billing-budgets";
import { v2 as logging } from "@google-cloud/logging";
import * as monitoring from "@google-cloud/monitoring";
import * as resourceManager from "@google-cloud/resource-manager";
import * as run from "@google-cloud/run";
import * as scheduler from "@google-cloud/scheduler";
import * as secretManager from "@google-cloud/secret-manager";
import { v1 as sql } from "@google-cloud/sql";

const root = path.resolve(import.meta.dirname, "../..");
const read = (f: string) => readFileSync(path.join(root, f), "utf8");
type AnyClient = {
  new (o: object): { initialize(): Promise<unknown>; innerApiCalls: Record<string, unknown>; close(): Promise<void> };
};
/** Every client class of the Google packages the portal depends on, by name. */
const CLASSES: Record<string, AnyClient> = Object.fromEntries(
  [{ CloudCatalogClient }, billingBudgets, logging, monitoring, resourceManager, run, scheduler, secretManager, sql]
    .flatMap((m) => Object.entries(m as Record<string, unknown>))
    .filter(([name, v]) => /Client$/.test(name) && typeof v === "function") as [string, AnyClient][],
);
/** How lib/ names the SQL clients (their methods are plain verbs: get, list, update). */
const SQL_RECEIVERS: Record<string, string> = {
  instances: "SqlInstancesServiceClient",
  backupRuns: "SqlBackupRunsServiceClient",
  operations: "SqlOperationsServiceClient",
  users: "SqlUsersServiceClient",
};

function libSources(): { file: string; text: string }[] {
  return readdirSync(path.join(root, "lib"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("generated"))
    .map((f) => ({ file: `lib/${f}`, text: read(`lib/${f}`) }));
}

async function rpcMethods(name: string): Promise<string[]> {
  const client = new CLASSES[name]({
    apiEndpoint: "127.0.0.1",
    port: 1,
    sslCreds: grpc.credentials.createInsecure(),
    projectId: "p",
  });
  await client.initialize();
  const methods = Object.keys(client.innerApiCalls);
  await client.close();
  return methods;
}

/** `Class.method` for every Google RPC lib/ calls. */
async function calledMethods(): Promise<{ calls: Set<string>; constructed: string[] }> {
  const sources = libSources();
  const constructed = [
    ...new Set(sources.flatMap((s) => [...s.text.matchAll(/new (?:\w+\.)?(\w+Client)\(/g)].map((m) => m[1]))),
  ]
    .filter((c) => c in CLASSES)
    .sort();
  const calls = new Set<string>();
  for (const cls of constructed) {
    const methods = await rpcMethods(cls);
    const receiver = Object.entries(SQL_RECEIVERS).find(([, c]) => c === cls)?.[0];
    for (const m of methods) {
      // Long-running operations are followed with check<Method>Progress: that reads the operation.
      const pattern = receiver
        ? new RegExp(`\\b${receiver}\\s*\\.\\s*${m}\\(`)
        : new RegExp(`\\.\\s*(${m}(Async|Stream)?|check${m[0].toUpperCase()}${m.slice(1)}Progress)\\(`);
      if (!receiver && !/[A-Z]/.test(m)) continue; // A bare verb on a non-SQL client would match anything.
      if (sources.some((s) => pattern.test(s.text))) calls.add(`${cls}.${m}`);
    }
  }
  return { calls, constructed };
}

/** Permissions granted by each custom role in deploy/roles.tf. */
function rolePermissions(): Record<string, string[]> {
  const tf = read("deploy/roles.tf");
  const out: Record<string, string[]> = {};
  for (const m of tf.matchAll(/resource "google_project_iam_custom_role" "(\w+)" \{([\s\S]*?)\n\}/g)) {
    const list = /permissions\s*=\s*\[([\s\S]*?)\]/.exec(m[2]);
    out[m[1]] = [...(list?.[1] ?? "").matchAll(/"([a-z]+\.[A-Za-z.]+)"/g)].map((p) => p[1]);
  }
  return out;
}

describe("deploy/: the custom roles", () => {
  it("grant a permission for every Google method the portal calls, and nothing no call needs", async () => {
    const { calls, constructed } = await calledMethods();
    expect(constructed.length).toBeGreaterThanOrEqual(5);
    expect(calls.size).toBeGreaterThan(15);
    const map = JSON.parse(read("deploy/permissions.json")) as {
      methods: Record<string, string[]>;
      public: Record<string, string>;
      sameNameOnly: Record<string, string>;
      billingAccount: Record<string, string>;
      alsoNeeded: Record<string, string>;
    };
    const granted = new Set(Object.values(rolePermissions()).flat());
    const unmapped = [...calls]
      .filter((c) => !map.methods[c]?.length && !map.public[c] && !map.sameNameOnly[c] && !map.billingAccount[c])
      .sort();
    expect(unmapped, "calls without a permission in deploy/permissions.json").toEqual([]);
    const missing = [...calls].flatMap((c) =>
      (map.methods[c] ?? []).filter((p) => !granted.has(p)).map((p) => `${c} → ${p}`),
    );
    expect(missing, "permissions no role in deploy/roles.tf grants").toEqual([]);
    const needed = new Set([...[...calls].flatMap((c) => map.methods[c] ?? []), ...Object.keys(map.alsoNeeded)]);
    expect([...granted].filter((p) => !needed.has(p)).sort(), "role permissions no call needs").toEqual([]);
    const stale = [
      ...Object.keys(map.methods),
      ...Object.keys(map.public),
      ...Object.keys(map.sameNameOnly),
      ...Object.keys(map.billingAccount),
    ]
      .filter((c) => !calls.has(c))
      .sort();
    expect(stale, "mapped methods the portal no longer calls").toEqual([]);
  }, 60_000);

  it("grant the budget calls on the billing account, where budgets live", () => {
    expect(read("deploy/main.tf")).toMatch(
      /resource "google_billing_account_iam_member" "runway_budgets" \{[\s\S]*?role\s*=\s*"roles\/billing\.costsManager"/,
    );
  });

  it("split the capabilities: read-only, deploy, rotate, restore, jobs and alerting", () => {
    const roles = rolePermissions();
    expect(Object.keys(roles).sort()).toEqual(["alerting", "deploy", "operate_jobs", "read_only", "restore", "rotate"]);
    for (const [name, perms] of Object.entries(roles)) {
      expect(perms.length, name).toBeGreaterThan(0);
      if (name === "read_only")
        expect(
          perms.filter((p) => !/\.(get|list|getIamPolicy|access)$|\.timeSeries\.list$|logEntries\.list$/.test(p)),
          "read_only writes nothing",
        ).toEqual([]);
    }
  });
});
