// An emulator inside the benchmark's own process (so a benchmark can count
// the RPCs it answers), on a throw-away PostgreSQL (see throwawayPostgres).
import { randomBytes } from "node:crypto";
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator";
import { throwawayPostgres, type ThrowawayServer } from "../emulator/embedded-postgres";

export type Counted = {
  emulator: Emulator;
  server: ThrowawayServer;
  calls: { n: number };
  /** The emulator's own database (benchmarks that load data straight into it). */ databaseUrl: string;
};

export async function withCountingEmulator<T>(
  opts: Partial<EmulatorOptions>,
  fn: (ctx: Counted) => Promise<T>,
): Promise<T> {
  const server = await throwawayPostgres("runway-bench");
  const database = `bench_${randomBytes(4).toString("hex")}`;
  await server.ensureDatabase(database);
  const databaseUrl = server.url(database);
  const emulator = await startEmulator({ databaseUrl, grpcPort: 0, routerPort: 0, ...opts });
  // Every unary RPC passes through fault injection: count it there.
  const calls = { n: 0 };
  const apply = emulator.faults.apply.bind(emulator.faults);
  emulator.faults.apply = (p: string) => (calls.n++, apply(p));
  try {
    return await fn({ emulator, server, calls, databaseUrl });
  } finally {
    await emulator.stop();
    await server.stop();
  }
}
