import { scrubUrlCredentials } from "../redact";
import type { Db } from "../db";

export type CheckResult = { name: string; ok: boolean; latencyMs: number; error?: string };
export type HealthReport = { status: "ok" | "failing"; checks: CheckResult[] };

const TIMEOUT_MS = 2_000;

async function timed(name: string, probe: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS)),
      ),
    ]);
    return { name, ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    // Prisma puts the reason on the last line; connection errors can carry the URL.
    const message = scrubUrlCredentials(
      describe(err)
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .pop() ?? "unknown error",
    );
    return { name, ok: false, latencyMs: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(db: Db): Promise<HealthReport> {
  const checks = await Promise.all([timed("database", () => db.$queryRaw`SELECT 1`)]);
  return { status: checks.every((c) => c.ok) ? "ok" : "failing", checks };
}

/** Driver errors often carry an empty message and the reason in a cause or code. */
function describe(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: unknown; name?: string } | undefined;
  if (e?.message) return e.message;
  if (e?.cause) return describe(e.cause);
  return e?.code ?? e?.name ?? String(err);
}
