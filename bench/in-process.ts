// An emulator inside the benchmark's own process (so a benchmark can count
// the RPCs it answers), on a throw-away embedded PostgreSQL.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator";
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from "../scripts/embedded-postgres";

export type Counted = { emulator: Emulator; server: EmbeddedServer; calls: { n: number } };

export async function withCountingEmulator<T>(opts: Partial<EmulatorOptions>, fn: (ctx: Counted) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "runway-bench-"));
  const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), ephemeral: true });
  await server.ensureDatabase("bench_emulator");
  const emulator = await startEmulator({ databaseUrl: server.url("bench_emulator"), grpcPort: 0, routerPort: 0, ...opts });
  // Every unary RPC passes through fault injection: count it there.
  const calls = { n: 0 };
  const apply = emulator.faults.apply.bind(emulator.faults);
  emulator.faults.apply = (p: string) => (calls.n++, apply(p));
  try {
    return await fn({ emulator, server, calls });
  } finally {
    await emulator.stop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
