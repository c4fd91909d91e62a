// One HTTP check of a new revision through its tag URL. On Google the URL is
// public HTTPS and the call carries an ID token for it (the portal's service
// account needs run.invoker); the emulator's `*.localhost` hosts are reached
// on loopback, since Node does not resolve them.
import "server-only";
import http from "node:http";
import { GoogleAuth } from "google-auth-library";

export type ProbeResult = { ok: boolean; status: number | null; summary: string };

const TIMEOUT_MS = 10_000;
let auth: GoogleAuth | null = null;

function loopback(url: URL, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: url.port || 80,
        path,
        method: "GET",
        headers: { host: url.host, "user-agent": "runway-rotation-check" },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.end();
  });
}

async function withIdToken(url: URL, path: string): Promise<number> {
  auth ??= new GoogleAuth();
  const client = await auth.getIdTokenClient(url.origin);
  const res = await client.request({
    url: new URL(path, url).toString(),
    method: "GET",
    timeout: TIMEOUT_MS,
    validateStatus: () => true,
    responseType: "text",
  });
  return res.status;
}

/** Healthy = any answer below 500; the body is not kept (it may carry data). */
export async function probe(uri: string, path: string): Promise<ProbeResult> {
  const url = new URL(uri);
  try {
    const status =
      url.hostname === "localhost" || url.hostname.endsWith(".localhost")
        ? await loopback(url, path)
        : await withIdToken(url, path);
    return { ok: status < 500, status, summary: `${status} on ${path}` };
  } catch (err) {
    return { ok: false, status: null, summary: `no answer on ${path} (${(err as Error).message})` };
  }
}
