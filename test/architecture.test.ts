// The repository keeps its layers: components never import app, lib never
// imports app or components, the emulator imports nothing of the portal,
// lib/operations imports no capability, no client component reaches a
// server-only module, and only lib/services/write/send.ts mutates Cloud Run
// services. Fixtures below prove each rule catches what it names.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkArchitecture, loadRepository, parseFile, RULES } from "./architecture";

const root = path.resolve(import.meta.dirname, "..");

describe("the repository", () => {
  const files = loadRepository(root);
  const violations = checkArchitecture(files);

  it("is read whole", () => {
    // The walk saw the code it is meant to judge.
    for (const f of ["lib/db.ts", "components/services/fleet-table.tsx", "app/(portal)/page.tsx", "emulator/main.ts"])
      expect(files.has(f)).toBe(true);
  });

  it.each(RULES)("keeps the rule %s", (rule) => {
    expect(violations.filter((v) => v.rule === rule).map((v) => v.message)).toEqual([]);
  });
});

describe("parseFile", () => {
  it("sees every form of import and tells type-only ones apart", () => {
    const { imports, directives, serverOnly } = parseFile(
      "x.tsx",
      `"use client";
       import "server-only";
       import a from "./a";
       import { type B, c } from "./bc";
       import type { D } from "./d";
       import { type E } from "./e";
       export { f } from "./f";
       export type { G } from "./g";
       export * from "./h";
       const i = await import("./i");
       const j = require("./j");
       type K = import("./k").K;`,
    );
    expect(directives).toEqual(["use client"]);
    expect(serverOnly).toBe(true);
    expect(imports).toEqual([
      { specifier: "server-only", typeOnly: false },
      { specifier: "./a", typeOnly: false },
      { specifier: "./bc", typeOnly: false },
      { specifier: "./d", typeOnly: true },
      { specifier: "./e", typeOnly: true },
      { specifier: "./f", typeOnly: false },
      { specifier: "./g", typeOnly: true },
      { specifier: "./h", typeOnly: false },
      { specifier: "./i", typeOnly: false },
      { specifier: "./j", typeOnly: false },
    ]);
  });
});

describe("checkArchitecture on fixtures", () => {
  const check = (files: Record<string, string>) => checkArchitecture(new Map(Object.entries(files)));
  const rules = (files: Record<string, string>) => check(files).map((v) => `${v.rule}: ${v.chain.join(" → ")}`);

  it("catches components importing app, through @/ or a relative path", () => {
    const violations = check({
      "app/(portal)/services/actions.ts": `"use server";\nexport const deploy = 1;`,
      "components/services/deploy-form.tsx": `import { deploy } from "@/app/(portal)/services/actions";`,
      "components/services/other.tsx": `export { deploy } from "../../app/(portal)/services/actions";`,
    });
    expect(violations.map((v) => [v.rule, v.file, v.target])).toEqual([
      ["components → app", "components/services/deploy-form.tsx", "app/(portal)/services/actions.ts"],
      ["components → app", "components/services/other.tsx", "app/(portal)/services/actions.ts"],
    ]);
    expect(violations[0].message).toContain("components/<feature>/actions.ts");
  });

  it("catches lib importing app or components, even for a type", () => {
    expect(
      rules({
        "components/services/fleet-table.tsx": `export type FleetRow = {};`,
        "app/layout.tsx": `export default 1;`,
        "lib/fleet/view.ts": `import type { FleetRow } from "@/components/services/fleet-table";\nimport "../../app/layout";`,
      }),
    ).toEqual([
      "lib → app/components: lib/fleet/view.ts → components/services/fleet-table.tsx",
      "lib → app/components: lib/fleet/view.ts → app/layout.tsx",
    ]);
  });

  it("catches the emulator importing scripts or lib, and lets it import test helpers", () => {
    expect(
      rules({
        "scripts/embedded-postgres.ts": `export const freePort = 1;`,
        "lib/log.ts": `export const log = 1;`,
        "test/databases.ts": `export const db = 1;`,
        "emulator/runtime/ports.ts": `import { freePort } from "../../scripts/embedded-postgres";`,
        "emulator/main.ts": `import { log } from "@/lib/log";`,
        "emulator/api/run/run.test.ts": `import { db } from "../../../test/databases";`,
      }),
    ).toEqual([
      "emulator → portal: emulator/runtime/ports.ts → scripts/embedded-postgres.ts",
      "emulator → portal: emulator/main.ts → lib/log.ts",
    ]);
  });

  it("catches lib/operations importing a capability, and allows the foundation", () => {
    const violations = check({
      "lib/db.ts": `export const db = 1;`,
      "lib/errors.ts": `export class NotFound {}`,
      "lib/audit/index.ts": `export const recordAudit = 1;`,
      "lib/services/index.ts": `export const getService = 1;`,
      "lib/databases/follow.ts": `export const poll = 1;`,
      "lib/operations/follow.ts": `import { db } from "../db";\nimport { NotFound } from "../errors";\nimport { recordAudit } from "../audit";\nimport { getService } from "../services";\nimport { poll } from "@/lib/databases/follow";`,
      "lib/operations/jobs.test.ts": `import { getService } from "../services";`,
    });
    expect(violations.map((v) => [v.rule, v.target])).toEqual([
      ["lib/operations → capability", "lib/services/index.ts"],
      ["lib/operations → capability", "lib/databases/follow.ts"],
    ]);
    expect(violations[0].message).toMatch(/register/);
  });

  it("lets lib/actions import the foundation and its session, never a capability", () => {
    const violations = check({
      "lib/auth/session.ts": `export const getActor = 1;`,
      "lib/services/index.ts": `export const deployDefinition = 1;`,
      "lib/actions/server.ts": `import { getActor } from "../auth/session";\nimport { deployDefinition } from "../services";`,
    });
    expect(violations.map((v) => [v.rule, v.target])).toEqual([["lib/actions → capability", "lib/services/index.ts"]]);
    expect(violations[0].message).toMatch(/lib\/action-definitions\.ts/);
  });

  it("catches a client component reaching a server-only module, directly or through plain modules", () => {
    const violations = check({
      "lib/db.ts": `import "server-only";\nexport const db = 1;`,
      "lib/users/list.ts": `import { db } from "../db";\nexport const list = 1;\nexport type Row = {};`,
      "lib/users/index.ts": `export { list, type Row } from "./list";`,
      "components/users/table.tsx": `"use client";\nimport { list } from "@/lib/users";`,
      "components/users/secret.tsx": `"use client";\nimport "server-only";`,
    });
    expect(violations.map((v) => [v.rule, v.chain.join(" → ")])).toEqual([
      ["client → server-only", "components/users/table.tsx → lib/users/index.ts → lib/users/list.ts → lib/db.ts"],
      ["client → server-only", "components/users/secret.tsx"],
    ]);
    expect(violations[0].message).toMatch(/import type/);
  });

  it("lets a client component import types from a server-only module, and call a server action that uses one", () => {
    expect(
      check({
        "lib/db.ts": `import "server-only";\nexport type Db = {};\nexport const db = 1;`,
        "components/users/actions.ts": `"use server";\nimport { db } from "@/lib/db";\nexport async function changeRole() { return db; }`,
        "components/users/form.tsx": `"use client";\nimport type { Db } from "@/lib/db";\nimport { type Db as D2 } from "@/lib/db";\nimport { changeRole } from "./actions";`,
        "app/(portal)/users/page.tsx": `import { db } from "@/lib/db";\nimport { changeRole } from "@/components/users/actions";`,
      }),
    ).toEqual([]);
  });

  it("catches a Cloud Run service mutation outside the write module, however the client is reached", () => {
    const violations = check({
      "lib/services/write/send.ts": `export async function send(services) { return services.updateService({ service: {} }); }`,
      "lib/releases/follower.ts": `export const go = (deps) => deps.run.services.updateService({ service: { name: "s", traffic: [] } });`,
      "lib/secrets/rotate/follow.ts": `export async function go(run) { const [op] = await run.services.createService({ parent: "p", serviceId: "s", service: {} }); await run.services["deleteService"]({ name: "s" }); }`,
      "lib/alerting/slo.ts": `export const go = (clients) => clients.slos.createService({ parent: "projects/p", service: {} });`,
      "lib/releases/releases.test.ts": `export const edit = (run) => run.services.updateService({ service: { name: "s" } });`,
      "test/releases.ts": `export const deploy = (run) => run.services.updateService({ service: { name: "s" } });`,
    });
    expect(violations.map((v) => [v.rule, v.file, v.specifier])).toEqual([
      ["Cloud Run service writes → lib/services/write", "lib/releases/follower.ts", "deps.run.services.updateService"],
      ["Cloud Run service writes → lib/services/write", "lib/secrets/rotate/follow.ts", "run.services.createService"],
      ["Cloud Run service writes → lib/services/write", "lib/secrets/rotate/follow.ts", "run.services.deleteService"],
    ]);
    expect(violations[0].message).toMatch(/^lib\/releases\/follower\.ts:1 calls .*sendServiceWrite/);
  });
});
