// A real emulator for portal integration tests, on its own database and free
// ports, with the official clients pointed at it.
import { inject } from "vitest";
import { startEmulator, type EmulatorOptions } from "../emulator";
import { request } from "../emulator/testing/http";
import { runClients } from "../lib/gcp/clients";
import { createEmptyDatabase } from "./databases";

export async function startTestEmulator(opts: Partial<EmulatorOptions> = {}) {
  const databaseUrl = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  const emulator = await startEmulator({
    databaseUrl,
    grpcPort: 0,
    routerPort: 0,
    idleTimeoutMs: 10_000,
    queueTimeoutMs: 3_000,
    shutdownGraceMs: 2_000,
    ...opts,
  });
  return { emulator, clients: runClients({ emulatorHost: emulator.endpoint }) };
}

/** GET a service or tag URL through the emulator's router; `revision` says which revision answered. */
export async function fetchViaRouter(
  uri: string,
  routerPort: number,
  path = "/",
): Promise<{ status: number; body: string; revision: string | undefined }> {
  const res = await request(routerPort, new URL(uri).hostname, path, { timeoutMs: 20_000 });
  return { status: res.status, body: res.body, revision: res.headers["x-runway-revision"] as string | undefined };
}
