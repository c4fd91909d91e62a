// Free loopback ports: freePort for anyone who needs one (tests, the launcher,
// the embedded PostgreSQL), allocatePort for instances. The OS may hand the
// same port out again right after it was released, so ports given to instances
// recently are remembered and skipped until they age out.
import net from "node:net";

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

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
