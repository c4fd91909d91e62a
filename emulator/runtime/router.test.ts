// The router on a real Runtime (instances are processes of the relay test
// image): keep-alive reuse towards instances, bodies streamed both ways,
// instances dying mid-request, and the concurrency count after clients give up.
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { waitFor } from "../testing/harness";
import type { RequestEvent } from "./events";
import { ImageRegistry } from "./images";
import { Runtime } from "./index";
import type { RevisionSpec } from "./types";

const IMAGES = path.join(path.dirname(fileURLToPath(import.meta.url)), "test-images");
let runtime: Runtime;
let port: number;
const requests: RequestEvent[] = [];

beforeAll(async () => {
  runtime = new Runtime({
    log: createLogger(),
    resolveSecret: async () => Promise.reject(new Error("no secrets here")),
    idleTimeoutMs: 600_000,
    queueTimeoutMs: 5_000,
    shutdownGraceMs: 2_000,
    images: new ImageRegistry(IMAGES),
  });
  runtime.events.on("request", (e) => requests.push(e));
  port = await runtime.listen("127.0.0.1", 0);
});
afterAll(async () => runtime?.stop());

/** Deploys a one-instance revision of the relay image behind `{service}.test.localhost`; returns that host. */
async function relay(service: string): Promise<{ host: string; revision: string }> {
  const revision = `${service}-00001-abc`;
  const spec: RevisionSpec = {
    project: "router",
    region: "test",
    service,
    revision,
    image: "relay",
    command: [],
    args: [],
    workingDir: "",
    env: [],
    startupProbe: null,
    livenessProbe: null,
    concurrency: 80,
    timeoutMs: 60_000,
    minInstances: 0,
    maxInstances: 1,
  };
  const deployed = await runtime.deploy(spec);
  expect(deployed).toEqual({ ok: true });
  const host = `${service}.test.localhost`;
  runtime.setRoute({
    key: `router/${service}`,
    project: "router",
    region: "test",
    service,
    hosts: [host],
    split: [{ revision, percent: 100 }],
    tags: [],
  });
  return { host, revision };
}

const inflight = (revision: string) =>
  runtime
    .status()
    .find((p) => p.key.endsWith(`/${revision}`))!
    .instances.reduce((n, i) => n + i.inflight, 0);
const eventFor = (revision: string, url: string) =>
  waitFor(() => requests.find((e) => e.revision === revision && e.url === url), `the request event for ${url}`);

type Sent = { status: number; headers: http.IncomingHttpHeaders; rawHeaders: string[]; body: Buffer };

/** A request through the router; `body` chunks are written one by one. */
function send(host: string, urlPath: string, opts: { method?: string; body?: Buffer[] } = {}): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: urlPath, method: opts.method ?? "GET", headers: { host }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    for (const c of opts.body ?? []) req.write(c);
    req.end();
  });
}

describe("router", () => {
  it("reuses one keep-alive connection to the instance across sequential requests", async () => {
    const { host } = await relay("reuse");
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const r = await send(host, "/socket");
      expect(r.status).toBe(200);
      seen.add(JSON.parse(r.body.toString()).remotePort);
    }
    expect(seen.size).toBe(1);
  });

  it("forwards Cloud Run's headers without hop-by-hop ones, and repeated response headers as sent", async () => {
    const { host, revision } = await relay("headers");
    const r = await send(host, "/socket");
    const seen = JSON.parse(r.body.toString()) as { headers: Record<string, string>; rawHeaders: string[] };
    expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
    expect(seen.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const traceId = seen.headers.traceparent.split("-")[1];
    expect(seen.headers["x-cloud-trace-context"]).toMatch(new RegExp(`^${traceId}/\\d+;o=1$`));
    expect(seen.headers.host).toBe(host);
    // Each header once; the client's `Connection: close` is not forwarded (the router keeps its connection to the instance).
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    for (const name of [
      "host",
      "connection",
      "traceparent",
      "x-cloud-trace-context",
      "x-forwarded-for",
      "x-forwarded-proto",
    ]) {
      expect(
        names.filter((n) => n === name),
        name,
      ).toHaveLength(1);
    }
    expect(seen.headers.connection).toBe("keep-alive");
    expect(r.headers["x-runway-revision"]).toBe(revision);
    expect(r.headers["x-runway-image"]).toBe("relay");
    expect(r.headers["x-cloud-trace-context"]).toBe(seen.headers["x-cloud-trace-context"]);

    const chunked = await send(host, "/chunks?count=3&size=10");
    expect(chunked.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
  });

  it("streams a request body to the instance and its answer back while both are still being sent", async () => {
    const { host, revision } = await relay("echo");
    const answer = await new Promise<string[]>((resolve, reject) => {
      const got: string[] = [];
      const req = http.request(
        { host: "127.0.0.1", port, path: "/echo", method: "POST", headers: { host }, agent: false },
        (res) => {
          res.setEncoding("utf8");
          // Only after a piece came back is the next one sent: a router that
          // buffered either body would never answer.
          let pieces = 0;
          res.on("data", (c: string) => {
            got.push(c);
            if (got.join("").length === (pieces + 1) * 6) {
              pieces++;
              if (pieces < 5) req.write(`part ${pieces}`);
              else req.end();
            }
          });
          res.on("end", () => resolve(got));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.write("part 0");
    });
    expect(answer.join("")).toBe("part 0part 1part 2part 3part 4");
    const e = await eventFor(revision, "/echo");
    expect(e).toMatchObject({ status: 200, method: "POST", requestBytes: 30, responseBytes: 30 });
  });

  it("passes a 24 MiB upload through intact and counts its bytes", async () => {
    const { host, revision } = await relay("upload");
    const chunks = Array.from({ length: 24 }, () => randomBytes(1 << 20));
    const digest = createHash("sha256");
    for (const c of chunks) digest.update(c);
    const r = await send(host, "/digest", { method: "POST", body: chunks });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({ bytes: 24 << 20, sha256: digest.digest("hex") });
    const e = await eventFor(revision, "/digest");
    expect(e.requestBytes).toBe(24 << 20);
    expect(e.responseBytes).toBe(r.body.length);
    expect(e.status).toBe(200);
    expect(e.latencyMs).toBeGreaterThan(0);
  });

  it("relays a chunked response as chunks and reports its size", async () => {
    const { host, revision } = await relay("chunked");
    const r = await send(host, "/chunks?count=200&size=5000");
    expect(r.status).toBe(200);
    expect(r.headers["transfer-encoding"]).toBe("chunked");
    expect(r.body.length).toBe(200 * 5000);
    expect(r.body.subarray(0, 5000).equals(Buffer.alloc(5000, 98))).toBe(true);
    const e = await eventFor(revision, "/chunks?count=200&size=5000");
    expect(e).toMatchObject({ status: 200, requestBytes: 0, responseBytes: 1_000_000 });
  });

  it("answers 503 when the instance dies before answering, and cuts the response when it dies mid-body", async () => {
    const before = await relay("dies");
    const r = await send(before.host, "/die");
    expect(r.status).toBe(503);
    expect(r.body.toString()).toMatch(/^Service Unavailable: the instance failed to handle the request/);
    expect((await eventFor(before.revision, "/die")).status).toBe(503);

    const mid = await relay("dies-mid-body");
    const cut = await send(mid.host, "/die-mid-body").then(
      () => "completed",
      (err: NodeJS.ErrnoException) => err.code ?? err.message,
    );
    // The status line went out before the crash; the client sees the body end early.
    expect(cut).toBe("ECONNRESET");
    const e = await eventFor(mid.revision, "/die-mid-body");
    expect(e.status).toBe(200);
    expect(e.responseBytes).toBe("the first part of a body that never finishes\n".length);
    await waitFor(() => inflight(mid.revision) === 0 || undefined, "the count to return to 0");
  });

  it("returns the instance's concurrency count to 0 when clients give up mid-request", async () => {
    const { host, revision } = await relay("aborted");
    const clients = Array.from({ length: 5 }, () => {
      const req = http.request({ host: "127.0.0.1", port, path: "/hang", headers: { host }, agent: false });
      req.on("error", () => {});
      req.end();
      return req;
    });
    // An upload abandoned half-way, too.
    const upload = http.request({
      host: "127.0.0.1",
      port,
      path: "/digest",
      method: "POST",
      headers: { host },
      agent: false,
    });
    upload.on("error", () => {});
    upload.write(randomBytes(64 * 1024));
    await waitFor(() => inflight(revision) === 6 || undefined, "six requests in flight");
    for (const c of [...clients, upload]) c.destroy();
    await waitFor(() => inflight(revision) === 0 || undefined, "the count to return to 0");
    await waitFor(
      () => requests.filter((e) => e.revision === revision).length === 6 || undefined,
      "six request events",
    );
    // The instance still serves.
    expect((await send(host, "/socket")).status).toBe(200);
  });
});
