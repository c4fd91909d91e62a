// The front end: one HTTP port, routed by Host. A service host picks a
// revision by the traffic percents, a tag host goes to its revision only; the
// request is forwarded to an instance with the headers Cloud Run adds, and an
// event is published for it.
//
// `*.localhost` resolves in browsers and curl but not with the system resolver
// Node and most programs use, so each service host and tag host can also get
// a port of its own on the router's address (`http://127.0.0.1:{port}`), which
// reaches the same route whatever the Host header says (see local-ports.ts).
import http from "node:http";
import type net from "node:net";
import type { RuntimeEvents } from "./events";
import { LocalPorts } from "./local-ports";
import type { Instance } from "./instance";
import { NoCapacityError, type RevisionPool } from "./pool";
import { cloudTraceHeader, traceFrom, traceparentHeader } from "./trace";
import type { ServiceRoute } from "./types";

type HostTarget = { route: ServiceRoute; tag: string | null; revision: string | null };

/** Handles requests for hosts that are no service (the admin API); true if handled. */
export type FallbackHandler = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "upgrade", "te", "trailer"]);

/** Weighted random choice by percent; null when nothing has traffic. */
export function pickRevision(split: ServiceRoute["split"], random = Math.random): string | null {
  const total = split.reduce((n, s) => n + s.percent, 0);
  if (total <= 0) return null;
  let r = random() * total;
  for (const s of split) {
    if (s.percent <= 0) continue;
    if (r < s.percent) return s.revision;
    r -= s.percent;
  }
  return split.filter((s) => s.percent > 0).at(-1)!.revision;
}

export class Router {
  private readonly hosts = new Map<string, HostTarget>();
  private readonly routes = new Map<string, ServiceRoute>();
  private server?: http.Server;
  private readonly sockets = new Set<net.Socket>();
  /** Per-host ports (the form that resolves everywhere). */
  readonly local = new LocalPorts((req, res, host) => void this.handle(req, res, host));

  constructor(
    private readonly events: RuntimeEvents,
    private readonly poolFor: (route: ServiceRoute, revision: string) => RevisionPool | undefined,
    private readonly fallback?: FallbackHandler,
  ) {}

  setRoute(route: ServiceRoute): void {
    this.removeRoute(route.key);
    this.routes.set(route.key, route);
    for (const host of route.hosts) this.hosts.set(host, { route, tag: null, revision: null });
    for (const t of route.tags) for (const host of t.hosts) this.hosts.set(host, { route, tag: t.tag, revision: t.revision });
  }

  removeRoute(key: string): void {
    void this.local.release(key);
    if (!this.routes.delete(key)) return;
    for (const [host, target] of this.hosts) if (target.route.key === key) this.hosts.delete(host);
  }

  listRoutes(): ServiceRoute[] {
    return [...this.routes.values()];
  }

  async listen(host: string, port: number): Promise<number> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    server.on("connection", (s) => {
      this.sockets.add(s);
      s.once("close", () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    this.local.bindTo(host);
    return (server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await Promise.all([closed, this.local.close()]);
  }

  /** `routeHost` is set for a request that came in on a host's own port. */
  private async handle(req: http.IncomingMessage, res: http.ServerResponse, routeHost?: string): Promise<void> {
    const host = routeHost ?? (req.headers.host ?? "").toLowerCase().replace(/:\d+$/, "");
    const target = this.hosts.get(host);
    if (!target) {
      if (!routeHost && this.fallback?.(req, res)) return;
      return void plain(res, 404, "Error: Page not found. The requested URL was not found on this server.\n");
    }
    const started = performance.now();
    const trace = traceFrom(req.headers);
    const revision = target.revision ?? pickRevision(target.route.split);
    const pool = revision ? this.poolFor(target.route, revision) : undefined;
    let instance: Instance | undefined;
    let responseBytes = 0;
    let requestBytes = 0;
    let timedOut = false;

    let closed = false;
    res.once("close", () => {
      closed = true;
      clearTimeout(timer);
      if (instance && pool) pool.release(instance);
      const { project, region, service } = target.route;
      this.events.publish({
        type: "request", time: new Date(), project, region, service, revision: revision ?? "", instanceId: instance?.id ?? null,
        method: req.method ?? "GET", url: req.url ?? "/", host, tag: target.tag, status: res.statusCode,
        latencyMs: Math.round((performance.now() - started) * 1000) / 1000, requestBytes, responseBytes,
        userAgent: String(req.headers["user-agent"] ?? ""), remoteIp: req.socket.remoteAddress ?? "",
        trace: `projects/${project}/traces/${trace.traceId}`, spanId: trace.spanId,
      });
    });
    const respond = (status: number, body: string) => {
      responseBytes += Buffer.byteLength(body);
      plain(res, status, body, {
        "x-cloud-trace-context": cloudTraceHeader(trace),
        ...(revision ? { "x-runway-revision": revision } : {}),
        ...(pool ? { "x-runway-image": pool.spec.image } : {}),
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      if (!res.headersSent) respond(504, "upstream request timeout\n");
      else res.destroy();
    }, pool?.spec.timeoutMs ?? 300_000);

    if (!pool) return respond(503, "Service Unavailable: no revision is ready to serve this request.\n");
    try {
      const acquired = await pool.acquire();
      // The client gave up or the timeout answered while we waited.
      if (closed || timedOut) return void pool.release(acquired);
      instance = acquired;
    } catch (err) {
      if (timedOut || closed) return;
      return err instanceof NoCapacityError
        ? respond(429, "Rate exceeded.\n")
        : respond(503, `Service Unavailable: ${(err as Error).message}\n`);
    }

    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    const remote = req.socket.remoteAddress ?? "";
    headers["x-forwarded-for"] = req.headers["x-forwarded-for"] ? `${req.headers["x-forwarded-for"]}, ${remote}` : remote;
    headers["x-forwarded-proto"] = "http";
    headers["x-cloud-trace-context"] = cloudTraceHeader(trace);
    headers["traceparent"] = traceparentHeader(trace);

    const upstream = http.request({ host: "127.0.0.1", port: instance.port, method: req.method, path: req.url, headers, agent: instance.agent });
    upstream.on("response", (up) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
      out["x-runway-revision"] = revision!;
      out["x-runway-image"] = pool.spec.image;
      out["x-runway-instance"] = instance!.id;
      out["x-cloud-trace-context"] = cloudTraceHeader(trace);
      if (timedOut) return void up.resume();
      res.writeHead(up.statusCode ?? 502, out);
      up.on("data", (c: Buffer) => (responseBytes += c.length));
      up.pipe(res);
      up.on("error", () => res.destroy());
    });
    upstream.on("error", (err) => {
      if (timedOut) return;
      // The container went away mid-request (crash, scale-in race).
      if (!res.headersSent) respond(503, `Service Unavailable: the instance failed to handle the request (${err.message}).\n`);
      else res.destroy();
    });
    res.once("close", () => {
      if (!upstream.writableFinished || !res.writableFinished) upstream.destroy();
    });
    req.on("data", (c: Buffer) => (requestBytes += c.length));
    req.pipe(upstream);
  }
}

function plain(res: http.ServerResponse, status: number, body: string, headers: http.OutgoingHttpHeaders = {}) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}
