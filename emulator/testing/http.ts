// HTTP to a service through the emulator's router: Node does not resolve
// *.localhost, so connect to 127.0.0.1 and send the Host header. No other
// imports, so Playwright specs can use it too.
import http from "node:http";

export type HttpResult = {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => Record<string, unknown>;
};

/** A request through the router with an explicit Host header. */
export function request(
  port: number,
  host: string,
  path = "/",
  opts: { method?: string; headers?: Record<string, string>; agent?: http.Agent; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: opts.method ?? "GET",
        headers: { host: `${host}:${port}`, ...opts.headers },
        agent: opts.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`request to ${host}${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}
