// Shared runtime for the sample images: the Cloud Run container contract in
// one place (listen on PORT, read K_* and env, log to stdout/stderr, /health,
// stop on SIGTERM) plus the knobs a deploy can turn to make a version slow,
// flaky or broken. Plain Node, no dependencies, so an instance cold-starts in
// well under a second.
import { createHash } from "node:crypto";
import http from "node:http";

const env = process.env;
const num = (v, d) => (v === undefined || v === "" || Number.isNaN(Number(v)) ? d : Number(v));

export const settings = {
  port: num(env.PORT, 8080),
  service: env.K_SERVICE ?? "local",
  revision: env.K_REVISION ?? "local",
  configuration: env.K_CONFIGURATION ?? env.K_SERVICE ?? "local",
  // The emulator tells the container which reference it was started from;
  // a real image would know its own tag.
  image: env.RUNWAY_IMAGE ?? "local",
  latencyMs: num(env.LATENCY_MS, 0),
  errorRate: Math.min(1, Math.max(0, num(env.ERROR_RATE, 0))),
  startupDelayMs: num(env.STARTUP_DELAY_MS, 0),
  failStartup: (env.FAIL_STARTUP ?? "").toLowerCase(),
  failHealth: ["1", "true", "yes"].includes((env.FAIL_HEALTH ?? "").toLowerCase()),
  logLevel: (env.LOG_LEVEL ?? "INFO").toUpperCase(),
  // Resource use, so utilization metrics have something to measure: MiB held
  // from startup, CPU milliseconds spun per request.
  holdMib: num(env.HOLD_MIB, 0),
  cpuMs: num(env.CPU_MS, 0),
};

/** Memory held for the life of the process (HOLD_MIB); filled, so it is resident. Exported, so it is never collected. */
export const heldMemory = settings.holdMib > 0 ? Buffer.alloc(settings.holdMib * 2 ** 20, 1) : null;

function spin(ms) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: this is the CPU use being simulated
  }
}

const RANK = { DEBUG: 100, INFO: 200, NOTICE: 300, WARNING: 400, ERROR: 500, CRITICAL: 600 };

function imageParts(ref) {
  const at = ref.indexOf("@");
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const slash = base.lastIndexOf("/");
  const colon = base.lastIndexOf(":");
  const name = base.slice(slash + 1, colon > slash ? colon : undefined);
  const tag = at >= 0 ? ref.slice(at + 1) : colon > slash ? base.slice(colon + 1) : "latest";
  return { name, tag };
}

const { name: imageName, tag: imageTag } = imageParts(settings.image);

/** Identity every response carries: which revision and image tag served it. */
export const servedBy = {
  service: settings.service,
  revision: settings.revision,
  image: imageName,
  tag: imageTag,
};

/** Structured log line (Cloud Logging reads `severity` and `message`). */
export function log(severity, message, fields = {}) {
  if ((RANK[severity] ?? 200) < (RANK[settings.logLevel] ?? 200)) return;
  const line = JSON.stringify({ severity, message, ...fields });
  if ((RANK[severity] ?? 200) >= RANK.ERROR) process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fingerprint(value) {
  return "sha256:" + createHash("sha256").update(String(value)).digest("hex").slice(0, 16);
}

function send(res, status, body, headers = {}) {
  const isHtml = typeof body === "string";
  const payload = isHtml ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": isHtml ? "text/html; charset=utf-8" : "application/json",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function match(routes, method, pathname) {
  for (const [key, handler] of Object.entries(routes)) {
    const [m, pattern] = key.split(" ");
    if (m !== method && m !== "*") continue;
    const want = pattern.split("/");
    const got = pathname.split("/");
    if (want.length !== got.length) continue;
    const params = {};
    if (
      want.every((w, i) =>
        w.startsWith(":") ? ((params[w.slice(1)] = decodeURIComponent(got[i])), true) : w === got[i],
      )
    ) {
      return { handler, params };
    }
  }
  return null;
}

// Test and demo hooks, the same in every image.
const debugRoutes = {
  "GET /debug/sleep": async (ctx) => {
    const ms = Math.min(600_000, num(ctx.query.get("ms"), 1000));
    await sleep(ms);
    return { slept: ms };
  },
  "GET /debug/crash": () => {
    log("CRITICAL", "crash requested through /debug/crash");
    setTimeout(() => process.exit(3), 10);
    return { crashing: true };
  },
  "GET /debug/headers": ({ req }) => ({ headers: req.headers }),
  // Names of the variables the container sees, with fingerprints instead of
  // values, so secret resolution can be checked without printing secrets.
  "GET /debug/env": () => ({
    env: Object.fromEntries(
      Object.entries(env)
        .filter(([k]) => !["PATH", "HOME", "PWD", "SHLVL", "_"].includes(k))
        .map(([k, v]) => [k, fingerprint(v)]),
    ),
  }),
};

/**
 * Starts the app. `routes` maps "METHOD /path/:param" to a handler that gets
 * `{ req, params, query, body }` and returns a JSON-able object (merged with
 * `servedBy`), a string (sent as HTML) or `{ status, body }`.
 */
export async function runContainer({ routes = {}, onStart, onStop } = {}) {
  process.stdout.write(`${imageName}:${imageTag} starting as ${settings.revision} on port ${settings.port}\n`);

  // Exit when the emulator that started us is gone, so no instance outlives it.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1000).unref();

  if (settings.startupDelayMs > 0) await sleep(settings.startupDelayMs);
  if (settings.failStartup === "hang") {
    log("ERROR", "FAIL_STARTUP=hang: never listening on PORT");
    setInterval(() => {}, 1 << 30);
    return;
  }
  if (settings.failStartup && !["0", "false", "no"].includes(settings.failStartup)) {
    process.stderr.write(`Error: startup failed (FAIL_STARTUP=${settings.failStartup})\n`);
    process.exit(1);
  }

  let inflight = 0;
  const server = http.createServer(async (req, res) => {
    inflight++;
    res.on("close", () => inflight--);
    const url = new URL(req.url ?? "/", "http://container");
    try {
      if (url.pathname === "/health" || url.pathname === "/healthz") {
        if (settings.failHealth) return send(res, 503, { status: "unhealthy", ...servedBy });
        return send(res, 200, { status: "ok", ...servedBy });
      }
      if (settings.latencyMs > 0) await sleep(settings.latencyMs);
      if (settings.cpuMs > 0) spin(settings.cpuMs);
      if (settings.errorRate > 0 && Math.random() < settings.errorRate) {
        log("ERROR", `simulated failure for ${req.method} ${url.pathname} (ERROR_RATE=${settings.errorRate})`);
        return send(res, 500, { error: "internal error (simulated)", ...servedBy });
      }
      const found = match({ ...debugRoutes, ...routes }, req.method ?? "GET", url.pathname);
      if (!found) return send(res, 404, { error: `no route for ${req.method} ${url.pathname}`, ...servedBy });
      const body = ["POST", "PUT", "PATCH"].includes(req.method ?? "") ? await readBody(req) : null;
      const out = await found.handler({ req, params: found.params, query: url.searchParams, body });
      if (typeof out === "string") return send(res, 200, out);
      if (out && typeof out.status === "number" && "body" in out)
        return send(res, out.status, { ...out.body, ...servedBy });
      send(res, 200, { ...out, ...servedBy });
    } catch (err) {
      process.stderr.write(`Unhandled error on ${req.method} ${url.pathname}: ${err?.stack ?? err}\n`);
      if (!res.headersSent) send(res, 500, { error: "internal error", ...servedBy });
    }
  });
  server.keepAliveTimeout = 65_000;

  // Loopback only: the emulator's router is the one way in.
  server.listen(settings.port, "127.0.0.1", () => {
    log("INFO", `listening on port ${settings.port}`, { revision: settings.revision, image: settings.image });
    onStart?.();
  });

  process.on("SIGTERM", () => {
    log("INFO", "received SIGTERM, shutting down");
    onStop?.();
    server.close();
    server.closeIdleConnections();
    const started = Date.now();
    const wait = setInterval(() => {
      if (inflight === 0 || Date.now() - started > 8000) {
        clearInterval(wait);
        process.exit(0);
      }
    }, 20);
  });
}

/** A small HTML page for the front-end images, naming what served it. */
export function page(title, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>
<h1>${title}</h1>${body}
<footer>served by ${servedBy.service} / ${servedBy.revision} (${servedBy.image}:${servedBy.tag})</footer>
</body></html>`;
}

/** Whether the client asked for HTML (a browser) rather than JSON. */
export const wantsHtml = (req) => (req.headers.accept ?? "").includes("text/html");
