// The portal as Next serves it, for tests that must go through its proxy, routing
// and route handlers over HTTP: `next dev` in a child process of its own (its own
// process group, so stopping it stops what it started) on a free port, with the
// environment the test gives it: its database, its emulator, its secret.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { lstatSync, realpathSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

export type NextServer = { url: string; stop: () => Promise<void>; output: () => string };

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Turbopack compiles nothing outside the project root, so a checkout whose node_modules links elsewhere (a git worktree) is served by webpack. */
function bundler(): string[] {
  const modules = path.join(ROOT, "node_modules");
  return lstatSync(modules).isSymbolicLink() && !realpathSync(modules).startsWith(ROOT + path.sep) ? ["--webpack"] : [];
}

/**
 * Starts `next dev` and waits until /api/health answers 200 (routes compile on their
 * first request, so the caller's hook timeout, not this function, bounds the wait).
 * A port taken between choosing and binding it is tried again with another.
 */
export async function startNext(env: Record<string, string>): Promise<NextServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      process.execPath,
      [
        path.join(ROOT, "node_modules/next/dist/bin/next"),
        "dev",
        ...bundler(),
        "--port",
        String(port),
        "--hostname",
        "127.0.0.1",
      ],
      {
        cwd: ROOT,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        // Only what the portal reads: not Vitest's NODE_ENV=test, nor the test process's own DATABASE_URL.
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          NODE_ENV: "development",
          NEXT_TELEMETRY_DISABLED: "1",
          METADATA_SERVER_DETECTION: "none",
          RUNWAY_MODE: "local",
          LOG_LEVEL: "warning",
          ...env,
        },
      },
    );
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const exited = once(child, "exit");
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
      await exited;
    };
    const url = `http://127.0.0.1:${port}`;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        if (attempt < 3 && out.includes("EADDRINUSE")) break;
        throw new Error(`next dev stopped (${child.exitCode ?? child.signalCode}) before it served:\n${out}`);
      }
      const status = await fetch(`${url}/api/health`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return { url, stop, output: () => out };
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
