// The portal's incident intake (lib/alerting's receiveIncident) behind a plain
// Node HTTP server, as the route handler serves it: for tests and benchmarks
// whose emulator delivers incidents without a running Next.js portal.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { receiveIncident } from "../lib/alerting/intake";
import type { Db } from "../lib/db";

export async function startIntakeServer(db: Db): Promise<{ url: string; close: () => void }> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const channel = /\/api\/alerting\/intake\/([^/?]+)/.exec(req.url ?? "")?.[1] ?? "";
    const result = await receiveIncident(
      db,
      channel,
      new Request(`http://127.0.0.1${req.url}`, {
        method: "POST",
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks),
      }),
    );
    res.writeHead(result.status, { "content-type": "application/json" }).end(JSON.stringify(result.body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}
