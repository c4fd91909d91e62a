// Runs uptime checks: every check on its period (or the emulator's override,
// for tests), one probe per checker location, with the check's timeout, path,
// method, headers, body, accepted status codes and content matcher. Hosts are
// reached on this machine: a Cloud Run service (cloud_run_revision) or a
// `*.localhost` uptime_url through the router with its Host header, an IP or
// `localhost` host directly on the check's port; any other host fails (the
// emulator does not probe the internet). Results become the uptime metrics.
import http from "node:http";
import net from "node:net";
import { RE2JS } from "re2js";
import type { Db } from "../../../db";
import type { Logger } from "../../../log";
import { durMs } from "../time";
import type { Json } from "./common";
import type { AlertingStore } from "./store";
import { checkerLocations } from "./uptime";
import { writeProbe, type ProbeResult } from "./uptime-metrics";

type Target = { host: string; port: number; hostHeader: string } | { error: string };

export class UptimeProber {
  private timers = new Map<string, NodeJS.Timeout>();
  private inflight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly deps: {
      db: Db;
      store: AlertingStore;
      log: Logger;
      routerPort: () => number;
      periodOverrideMs?: number;
    },
  ) {}

  /** Schedules the stored checks; each first runs one period from now, so a start alone wakes no service. */
  async start(): Promise<void> {
    for (const c of await this.deps.store.all("uptimeCheck")) this.schedule(c, false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
    await Promise.allSettled([...this.inflight]);
  }

  /** A check was created, updated or deleted: reschedule it (and probe it now when it exists). */
  changed(name: string): void {
    clearInterval(this.timers.get(name));
    this.timers.delete(name);
    void this.deps.store.get("uptimeCheck", name).then((c) => c && !this.stopped && this.schedule(c, true));
  }

  private schedule(c: Json, now: boolean): void {
    clearInterval(this.timers.get(String(c.name)));
    const period = this.deps.periodOverrideMs ?? durMs(c.period as Json);
    const run = () => {
      const p = this.probe(String(c.name))
        .catch((err) => this.deps.log.warn("uptime probe failed", { check: c.name, error: (err as Error).message }))
        .finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    };
    const timer = setInterval(run, period);
    timer.unref();
    this.timers.set(String(c.name), timer);
    if (now) run();
  }

  /** Probes one check from each of its checker locations and records the results. */
  async probe(name: string): Promise<ProbeResult[]> {
    const c = await this.deps.store.get("uptimeCheck", name);
    if (!c || this.stopped) return [];
    const resource = c.monitoredResource as { type: string; labels: Record<string, string> };
    const project = resource.labels.project_id;
    const target = await this.target(c, resource);
    const at = Date.now();
    const results = await Promise.all(
      checkerLocations(c).map(async (location) => ({ location, ...(await this.attempt(c, target)) })),
    );
    const checkId = String(c.name).split("/").pop()!;
    const labels =
      resource.type === "cloud_run_revision"
        ? { ...resource.labels, configuration_name: resource.labels.service_name, revision_name: "" }
        : resource.labels;
    await writeProbe(this.deps.db, project, checkId, { type: resource.type, labels }, results, at);
    return results;
  }

  private async target(c: Json, r: { type: string; labels: Record<string, string> }): Promise<Target> {
    const router = { host: "127.0.0.1", port: this.deps.routerPort() };
    if (r.type === "cloud_run_revision") {
      const { rows } = await this.deps.db.query<{ host: string }>(
        "SELECT host FROM run_services WHERE project = $1 AND location = $2 AND service_id = $3 AND NOT deleted",
        [r.labels.project_id, r.labels.location, r.labels.service_name],
      );
      return rows[0] ? { ...router, hostHeader: rows[0].host } : { error: "no such Cloud Run service" };
    }
    const host = r.labels.host;
    const port = Number((c.httpCheck as Json | undefined)?.port ?? (c.tcpCheck as Json | undefined)?.port ?? 0) || 80;
    if (host.endsWith(".localhost")) return { ...router, hostHeader: host };
    if (host === "localhost" || net.isIP(host)) return { host, port, hostHeader: `${host}:${port}` };
    return { error: `the emulator probes only hosts on this machine, not ${host}` };
  }

  private attempt(c: Json, t: Target): Promise<{ passed: boolean; latencyMs: number }> {
    const timeoutMs = durMs(c.timeout as Json) || 10_000;
    const started = performance.now();
    const done = (passed: boolean) => ({ passed, latencyMs: Math.round((performance.now() - started) * 1000) / 1000 });
    if ("error" in t) return Promise.resolve(done(false));
    if (c.tcpCheck) {
      return new Promise((resolve) => {
        const s = net.connect({ host: t.host, port: Number((c.tcpCheck as Json).port) });
        s.setTimeout(timeoutMs, () => {
          s.destroy();
          resolve(done(false));
        });
        s.on("connect", () => {
          s.end();
          resolve(done(true));
        });
        s.on("error", () => resolve(done(false)));
      });
    }
    const h = c.httpCheck as Json;
    const headers: Record<string, string> = {
      ...((h.headers ?? {}) as Record<string, string>),
      host: t.hostHeader,
      "user-agent": "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)",
    };
    const auth = h.authInfo as Json | undefined;
    if (auth?.username)
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ""}`).toString("base64")}`;
    const method = h.requestMethod === "POST" ? "POST" : "GET";
    const body = method === "POST" && h.body ? Buffer.from(String(h.body), "base64") : undefined;
    if (body)
      headers["content-type"] ||=
        h.contentType === "URL_ENCODED"
          ? "application/x-www-form-urlencoded"
          : String(h.customContentType || "application/octet-stream");
    return new Promise((resolve) => {
      const req = http.request(
        { host: t.host, port: t.port, path: String(h.path ?? "/"), method, headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (b: Buffer) => chunks.length < 64 && chunks.push(b));
          res.on("end", () =>
            resolve(
              done(statusAccepted(res.statusCode ?? 0, h) && contentMatches(Buffer.concat(chunks).toString("utf8"), c)),
            ),
          );
          res.on("error", () => resolve(done(false)));
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error("timeout")));
      req.on("error", () => resolve(done(false)));
      req.end(body);
    });
  }
}

/** accepted_response_status_codes: values or classes; 2xx when none are given. */
export function statusAccepted(status: number, h: Json): boolean {
  const accepted = (h.acceptedResponseStatusCodes as Json[] | undefined) ?? [];
  if (!accepted.length) return status >= 200 && status < 300;
  return accepted.some((a) => {
    if (a.statusValue !== undefined && a.statusValue !== null) return Number(a.statusValue) === status;
    const cls = String(a.statusClass ?? "");
    if (cls === "STATUS_CLASS_ANY") return true;
    const m = /^STATUS_CLASS_(\d)XX$/.exec(cls);
    return !!m && Math.floor(status / 100) === Number(m[1]);
  });
}

function contentMatches(body: string, c: Json): boolean {
  const m = ((c.contentMatchers as Json[] | undefined) ?? [])[0];
  if (!m) return true;
  const content = String(m.content ?? "");
  switch (String(m.matcher ?? "CONTAINS_STRING")) {
    case "NOT_CONTAINS_STRING":
      return !body.includes(content);
    case "MATCHES_REGEX":
      return RE2JS.compile(content).matcher(body).find();
    case "NOT_MATCHES_REGEX":
      return !RE2JS.compile(content).matcher(body).find();
    default:
      return body.includes(content);
  }
}
