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

// Headers a proxy does not forward (hop-by-hop), and those the router sets
// itself on the way in and on the way out. Headers travel as flat
// [name, value, …] arrays (rawHeaders form): no object per request, repeated
// headers (Set-Cookie) kept as sent.
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "upgrade", "te", "trailer"];
const SET_INBOUND = ["x-forwarded-for", "x-forwarded-proto", "x-cloud-trace-context", "traceparent"];
const SET_OUTBOUND = ["x-runway-revision", "x-runway-image", "x-runway-instance", "x-cloud-trace-context"];

/** A test for "is this raw header name one of `names`" that lowercases only names of a matching length. */
function nameMatcher(names: string[]): (raw: string) => boolean {
  const set = new Set(names);
  const lengths = new Set(names.map((n) => n.length));
  return (raw) => lengths.has(raw.length) && set.has(raw.toLowerCase());
}
const dropInbound = nameMatcher([...HOP_BY_HOP, ...SET_INBOUND]);
const dropOutbound = nameMatcher([...HOP_BY_HOP, ...SET_OUTBOUND]);

/** `raw` (rawHeaders form) without the headers `drop` names. */
function forwardable(raw: string[], drop: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!drop(raw[i])) out.push(raw[i], raw[i + 1]);
  return out;
}

/** The Host header without its port, lowercased. */
function hostName(header: string | undefined): string {
  if (!header) return "";
  const colon = header.lastIndexOf(":");
  let end = header.length;
  if (colon >= 0 && colon < header.length - 1) {
    end = colon;
    for (let i = colon + 1; i < header.length; i++) {
      const c = header.charCodeAt(i);
      if (c < 48 || c > 57) {
        end = header.length;
        break;
      }
    }
  }
  return (end === header.length ? header : header.slice(0, end)).toLowerCase();
}

/** Whether a request carries a body (RFC 9112 §6.3: Transfer-Encoding or a non-zero Content-Length). */
function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

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
    for (const t of route.tags)
      for (const host of t.hosts) this.hosts.set(host, { route, tag: t.tag, revision: t.revision });
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
    // Requests that ended as the sockets went down are still reported.
    this.events.flushPending();
  }

  /** `routeHost` is set for a request that came in on a host's own port. */
  private async handle(req: http.IncomingMessage, res: http.ServerResponse, routeHost?: string): Promise<void> {
    const host = routeHost ?? hostName(req.headers.host);
    const target = this.hosts.get(host);
    if (!target) {
      if (!routeHost && this.fallback?.(req, res)) return;
      return void plain(res, 404, "Error: Page not found. The requested URL was not found on this server.\n");
    }
    const started = performance.now();
    const trace = traceFrom(req.headers);
    const cloudTrace = cloudTraceHeader(trace);
    const revision = target.revision ?? pickRevision(target.route.split);
    const pool = revision ? this.poolFor(target.route, revision) : undefined;
    let instance: Instance | undefined;
    // Assigned once below, but read by the cleanup first (undefined until the request is made).
    // eslint-disable-next-line prefer-const
    let upstream: http.ClientRequest | undefined;
    let responseBytes = 0;
    let requestBytes = 0;
    let timedOut = false;
    let closed = false;

    // One listener does all the bookkeeping when the exchange ends, however it ends.
    res.once("close", () => {
      closed = true;
      clearTimeout(timer);
      if (upstream && !(upstream.writableFinished && res.writableFinished)) upstream.destroy();
      if (instance && pool) pool.release(instance);
      const { project, region, service } = target.route;
      this.events.publishSoon({
        type: "request",
        time: new Date(),
        project,
        region,
        service,
        revision: revision ?? "",
        instanceId: instance?.id ?? null,
        method: req.method ?? "GET",
        url: req.url ?? "/",
        host,
        tag: target.tag,
        status: res.statusCode,
        latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
        requestBytes,
        responseBytes,
        userAgent: String(req.headers["user-agent"] ?? ""),
        remoteIp: req.socket.remoteAddress ?? "",
        trace: `projects/${project}/traces/${trace.traceId}`,
        spanId: trace.spanId,
      });
    });
    const respond = (status: number, body: string) => {
      responseBytes += Buffer.byteLength(body);
      plain(res, status, body, {
        "x-cloud-trace-context": cloudTrace,
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

    const headers = forwardable(req.rawHeaders, dropInbound);
    const remote = req.socket.remoteAddress ?? "";
    const forwardedFor = req.headers["x-forwarded-for"];
    headers.push(
      "x-forwarded-for",
      forwardedFor ? `${forwardedFor}, ${remote}` : remote,
      "x-forwarded-proto",
      "http",
      "x-cloud-trace-context",
      cloudTrace,
      "traceparent",
      traceparentHeader(trace),
    );
    const served = instance;
    upstream = http.request({
      host: "127.0.0.1",
      port: served.port,
      method: req.method,
      path: req.url,
      headers,
      agent: served.agent,
    });
    upstream.on("response", (up) => {
      if (timedOut) return void up.resume();
      const out = forwardable(up.rawHeaders, dropOutbound);
      out.push(
        "x-runway-revision",
        revision!,
        "x-runway-image",
        pool.spec.image,
        "x-runway-instance",
        served.id,
        "x-cloud-trace-context",
        cloudTrace,
      );
      res.writeHead(up.statusCode ?? 502, out);
      up.on("data", (c: Buffer) => (responseBytes += c.length));
      up.on("error", () => res.destroy());
      up.pipe(res);
    });
    upstream.on("error", (err) => {
      if (timedOut) return;
      // The container went away mid-request (crash, scale-in race).
      if (!res.headersSent)
        respond(503, `Service Unavailable: the instance failed to handle the request (${err.message}).\n`);
      else res.destroy();
    });
    if (hasBody(req)) {
      req.on("data", (c: Buffer) => (requestBytes += c.length));
      req.pipe(upstream);
    } else {
      upstream.end();
    }
  }
}

function plain(res: http.ServerResponse, status: number, body: string, headers: http.OutgoingHttpHeaders = {}) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}
