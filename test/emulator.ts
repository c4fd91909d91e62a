// A real emulator for portal integration tests, on its own database and free
// ports, with the official clients pointed at it.
import http from "node:http";
import { inject } from "vitest";
import { startEmulator, type EmulatorOptions } from "../emulator";
import { runClients } from "../lib/gcp/clients";
import { createEmptyDatabase } from "./databases";

export async function startTestEmulator(opts: Partial<EmulatorOptions> = {}) {
  const databaseUrl = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  const emulator = await startEmulator({ databaseUrl, grpcPort: 0, routerPort: 0, idleTimeoutMs: 10_000, queueTimeoutMs: 3_000, shutdownGraceMs: 2_000, ...opts });
  return { emulator, clients: runClients({ emulatorHost: emulator.endpoint }) };
}

/**
 * GET a service or tag URL through the emulator's router. Node does not
 * resolve *.localhost, so connect to 127.0.0.1 and send the Host header.
 */
export function fetchViaRouter(uri: string, routerPort: number, path = "/"): Promise<{ status: number; body: string; revision: string | undefined }> {
  const host = new URL(uri).host;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: routerPort, path, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, revision: res.headers["x-runway-revision"] as string | undefined }));
    });
    req.on("error", reject);
    req.setTimeout(20_000, () => req.destroy(new Error("router request timed out")));
    req.end();
  });
}
