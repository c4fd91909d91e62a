// Which browser the e2e tests drive: CHROMIUM_PATH when set, otherwise the
// first Chrome or Chromium installed where macOS or Linux puts it. Playwright's
// own browser download does not work offline, so the tests use an installed one.
// One list for playwright.config.ts and scripts/ensure-chromium.sh, which runs
//   npx tsx scripts/chromium-path.ts   (prints the path; the file may not exist)
import { accessSync, constants } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Where each OS's Chrome and Chromium live, most likely first. */
export function chromiumCandidates(platform: string, home: string): string[] {
  if (platform === "darwin") {
    const apps = ["/Applications", path.join(home, "Applications")];
    return [
      ...apps.map((dir) => path.join(dir, "Google Chrome.app/Contents/MacOS/Google Chrome")),
      ...apps.map((dir) => path.join(dir, "Chromium.app/Contents/MacOS/Chromium")),
    ];
  }
  return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
}

export const isExecutableFile = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * CHROMIUM_PATH when set; otherwise the first installed candidate; otherwise
 * the first candidate, so that a missing browser is reported by a real path.
 */
export function chromiumPath(
  env: Record<string, string | undefined> = process.env,
  platform: string = process.platform,
  home: string = os.homedir(),
  installed: (file: string) => boolean = isExecutableFile,
): string {
  if (env.CHROMIUM_PATH?.trim()) return env.CHROMIUM_PATH;
  const candidates = chromiumCandidates(platform, home);
  return candidates.find(installed) ?? candidates[0];
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) console.log(chromiumPath());
