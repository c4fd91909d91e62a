// Builds the Next.js app only when its sources changed since the last build,
// so a warm start takes seconds. The fingerprint covers every file that
// shapes the build (paths, sizes and modification times).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { run } from "./processes";

const INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
  "prisma/schema.prisma",
];
const STAMP = ".next/runway-build-stamp";

async function walk(file: string, out: string[]): Promise<void> {
  if (!existsSync(file)) return;
  const s = await stat(file);
  if (!s.isDirectory()) {
    out.push(`${file}:${s.size}:${s.mtimeMs}`);
    return;
  }
  for (const name of (await readdir(file)).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    await walk(path.join(file, name), out);
  }
}

export async function sourceFingerprint(root: string): Promise<string> {
  const lines: string[] = [];
  for (const input of INPUTS) await walk(path.join(root, input), lines);
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/** Returns true when it had to build. */
export async function buildIfNeeded(root: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const fingerprint = await sourceFingerprint(root);
  const stampFile = path.join(root, STAMP);
  const built =
    existsSync(path.join(root, ".next/BUILD_ID")) &&
    existsSync(stampFile) &&
    (await readFile(stampFile, "utf8")) === fingerprint;
  if (built) return false;
  await run(path.join(root, "node_modules/.bin/next"), ["build"], {
    cwd: root,
    env: { ...env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  await writeFile(stampFile, fingerprint);
  return true;
}
