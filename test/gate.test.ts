// The unit suite is a gate only if a failing test fails the command. Once it did
// not: the embedded PostgreSQL started by the global setup brought an exit hook
// that ended Vitest with code 0 after "1 failed" (see emulator/embedded-postgres.ts).
// Here a throw-away copy of the test setup runs one planted test with the real
// global setup (embedded PostgreSQL, DATABASE_URL unset) and the exit code is read.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const copy = mkdtempSync(path.join(os.tmpdir(), "runway-gate-"));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

for (const entry of [
  "node_modules",
  "package.json",
  "tsconfig.json",
  "emulator",
  "lib",
  "prisma",
  "prisma.config.ts",
  "scripts",
]) {
  symlinkSync(path.join(root, entry), path.join(copy, entry));
}
cpSync(path.join(root, "vitest.config.ts"), path.join(copy, "vitest.config.ts"));
cpSync(path.join(root, "test"), path.join(copy, "test"), { recursive: true });
mkdirSync(path.join(copy, "test/planted"));

function plant(name: string, body: string) {
  writeFileSync(
    path.join(copy, "test/planted", `${name}.test.ts`),
    `import { expect, it } from "vitest";\nit("${name}", () => { ${body} });\n`,
  );
}

describe("vitest run, with the embedded PostgreSQL of the global setup", () => {
  it("exits non-zero when one of the tests it ran fails", () => {
    // A passing file beside the failing one: the output shows both ran, so the
    // exit code is the failure's and not a broken copy's.
    plant("passes", "expect(1).toBe(1);");
    plant("fails-on-purpose", "expect(1).toBe(2);");
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: "" };
    delete env.VITEST;
    delete env.VITEST_WORKER_ID;
    delete env.VITEST_POOL_ID;
    const run = spawnSync(path.join(copy, "node_modules/.bin/vitest"), ["run", "test/planted"], {
      cwd: copy,
      env,
      encoding: "utf8",
      timeout: 240_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(output).toMatch(/Tests\s+.*1 failed.*\|.*1 passed/);
    expect(run.status, output).not.toBe(0);
    expect(run.status, "vitest did not exit by itself").not.toBeNull();
  }, 300_000);
});
