// The e2e browser's default: CHROMIUM_PATH, else an installed Chrome or
// Chromium where macOS or Linux puts it, and ensure-chromium.sh's verdict.
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { chromiumCandidates, chromiumPath, isExecutableFile } from "./chromium-path";

const root = path.resolve(import.meta.dirname, "..");
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempHome(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "runway-home-"));
  dirs.push(dir);
  return dir;
}
async function installApp(home: string, relative: string, mode = 0o755): Promise<string> {
  const file = path.join(home, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, "#!/bin/sh\n", { mode });
  return file;
}

describe("chromiumCandidates", () => {
  it("looks for Chrome, then Chromium, in /Applications and ~/Applications on macOS", () => {
    expect(chromiumCandidates("darwin", "/Users/ada")).toEqual([
      "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
      "/Users/ada/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
      "/Applications/Chromium.app/Contents/MacOS/Chromium",
      "/Users/ada/Applications/Chromium.app/Contents/MacOS/Chromium",
    ]);
  });

  it("looks for Debian's chromium, Ubuntu's chromium-browser and Google's google-chrome on Linux", () => {
    expect(chromiumCandidates("linux", "/home/ada")).toEqual([
      "/usr/bin/chromium",
      "/usr/bin/chromium-browser",
      "/usr/bin/google-chrome",
    ]);
  });
});

describe("chromiumPath", () => {
  it("takes CHROMIUM_PATH as given, installed or not", async () => {
    expect(chromiumPath({ CHROMIUM_PATH: "/opt/brave/brave" }, "darwin", await tempHome())).toBe("/opt/brave/brave");
  });

  // Only the temporary home counts, so that a real Chrome in /Applications on a developer's Mac changes nothing.
  const installedUnder = (home: string) => (file: string) => file.startsWith(home + path.sep) && isExecutableFile(file);

  it("finds a Chromium installed in ~/Applications on macOS, and prefers Chrome once both are there", async () => {
    const home = await tempHome();
    const chromium = await installApp(home, "Applications/Chromium.app/Contents/MacOS/Chromium");
    expect(chromiumPath({ CHROMIUM_PATH: "" }, "darwin", home, installedUnder(home))).toBe(chromium);
    const chrome = await installApp(home, "Applications/Google Chrome.app/Contents/MacOS/Google Chrome");
    expect(chromiumPath({}, "darwin", home, installedUnder(home))).toBe(chrome);
  });

  it("skips a file that is not executable", async () => {
    const home = await tempHome();
    await installApp(home, "Applications/Google Chrome.app/Contents/MacOS/Google Chrome", 0o644);
    const chromium = await installApp(home, "Applications/Chromium.app/Contents/MacOS/Chromium");
    expect(chromiumPath({}, "darwin", home, installedUnder(home))).toBe(chromium);
  });

  it("names the first candidate when nothing is installed, so the error shows a real path", () => {
    expect(chromiumPath({}, "darwin", "/Users/ada", () => false)).toBe(
      "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    );
    expect(chromiumPath({}, "linux", "/home/ada", () => false)).toBe("/usr/bin/chromium");
  });
});

describe("scripts/ensure-chromium.sh", () => {
  const run = (env: Record<string, string>) =>
    spawnSync("bash", [path.join(root, "scripts/ensure-chromium.sh")], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, ...env },
    });

  it("accepts an executable CHROMIUM_PATH without installing anything", async () => {
    const browser = await installApp(await tempHome(), "bin/chromium");
    const result = run({ CHROMIUM_PATH: browser });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it("refuses a CHROMIUM_PATH that is not an executable, naming it", async () => {
    const missing = path.join(await tempHome(), "no-such-browser");
    const result = run({ CHROMIUM_PATH: missing });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `runway: CHROMIUM_PATH=${missing} is not an executable file. Point it at Chrome's or Chromium's executable, or unset it to use an installed one.\n`,
    );
  });
});
