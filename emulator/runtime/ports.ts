// Free loopback ports for instances. The OS may hand the same port out again
// right after it was released, so ports given out recently are remembered and
// skipped until they age out.
import { freePort } from "../../scripts/embedded-postgres";

const recent = new Map<number, number>();
const REMEMBER_MS = 60_000;

export async function allocatePort(): Promise<number> {
  const now = Date.now();
  for (const [port, at] of recent) if (now - at > REMEMBER_MS) recent.delete(port);
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    if (!recent.has(port)) {
      recent.set(port, now);
      return port;
    }
  }
  throw new Error("no free port found for a new instance");
}
