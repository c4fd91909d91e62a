// The runtime under the API: scale to zero and cold start, min instances,
// concurrency and max instances (429), request timeout (504), restarts.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../test/databases";
import { CALL, hostOf, request, startTestEmulator, template, waitFor, type TestEmulator } from "../testing/harness";
import type { LifecycleEvent, RuntimeEvent } from "./events";

let t: TestEmulator;
const events: RuntimeEvent[] = [];
const parent = "projects/scaling/locations/us-central1";
const IDLE_MS = 800;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"), {
    idleTimeoutMs: IDLE_MS,
    queueTimeoutMs: 1500,
  });
  t.emulator.events.subscribe((e) => events.push(e));
});
afterAll(async () => t?.close());

async function deploy(id: string, tpl: Record<string, unknown>) {
  const [op] = await t.services.createService({ parent, serviceId: id, service: { template: tpl } }, CALL);
  await op.promise();
  const [svc] = await t.services.getService({ name: `${parent}/services/${id}` }, CALL);
  return { svc, host: hostOf(svc.uri!), revision: svc.latestReadyRevision!.split("/").pop()! };
}

const lifecycle = (revision: string, kind?: LifecycleEvent["kind"]) =>
  events.filter(
    (e): e is LifecycleEvent => e.type === "lifecycle" && e.revision === revision && (!kind || e.kind === kind),
  );

async function instances(revision: string): Promise<{ id: string; state: string; inflight: number }[]> {
  const r = await request(t.emulator.routerPort, "127.0.0.1", "/_emulator/instances");
  const pools = (r.json().revisions ?? []) as {
    key: string;
    instances: { id: string; state: string; inflight: number }[];
  }[];
  return pools.find((p) => p.key.endsWith(`/${revision}`))?.instances ?? [];
}

describe("scaling", () => {
  it("scales an idle revision to zero and cold-starts it on the next request; min instances stay warm", async () => {
    const cold = await deploy("to-zero", template("gcr.io/scaling/hello:v1"));
    const warm = await deploy("kept-warm", {
      ...template("gcr.io/scaling/hello:v1"),
      scaling: { minInstanceCount: 1 },
    });
    const first = lifecycle(cold.revision, "ready")[0].instanceId;

    await waitFor(
      () => lifecycle(cold.revision, "stopped").some((e) => e.instanceId === first),
      "the idle instance to stop",
    );
    expect(await instances(cold.revision)).toEqual([]);

    const r = await request(t.emulator.routerPort, cold.host);
    expect(r.status).toBe(200);
    const second = String(r.headers["x-runway-instance"]);
    expect(second).not.toBe(first);
    expect(
      lifecycle(cold.revision)
        .filter((e) => e.instanceId === second)
        .map((e) => e.kind),
    ).toEqual(["starting", "ready"]);

    // By the time the cold-started instance has idled out too, the
    // min-instance service has been idle for two idle periods: still warm.
    await waitFor(
      () => lifecycle(cold.revision, "stopped").some((e) => e.instanceId === second),
      "the second idle instance to stop",
    );
    expect((await instances(warm.revision)).filter((i) => i.state === "ready")).toHaveLength(1);
    expect(lifecycle(warm.revision, "stopping")).toEqual([]);
  });

  it("adds instances up to max, then answers 429 after a short wait", async () => {
    const { host, revision } = await deploy("capped", {
      ...template("gcr.io/scaling/hello:v1"),
      maxInstanceRequestConcurrency: 1,
      scaling: { maxInstanceCount: 2 },
    });
    const port = t.emulator.routerPort;
    const busy = [request(port, host, "/debug/sleep?ms=4000"), request(port, host, "/debug/sleep?ms=4000")];
    await waitFor(
      async () => (await instances(revision)).filter((i) => i.inflight === 1).length === 2,
      "two busy instances",
    );
    const started = Date.now();
    const rejected = await request(port, host, "/");
    expect(rejected.status).toBe(429);
    expect(rejected.body).toContain("Rate exceeded");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    const done = await Promise.all(busy);
    expect(done.map((d) => d.status)).toEqual([200, 200]);
    expect(new Set(done.map((d) => d.headers["x-runway-instance"])).size).toBe(2);
    // A request that finds every slot taken waits briefly and is served when one frees up.
    const short = request(port, host, "/debug/sleep?ms=300");
    const short2 = request(port, host, "/debug/sleep?ms=300");
    const queued = request(port, host, "/");
    expect((await Promise.all([short, short2, queued])).map((x) => x.status)).toEqual([200, 200, 200]);
  });

  it("answers 504 when a request exceeds the revision timeout, and the instance keeps serving", async () => {
    const { host } = await deploy("slow", { ...template("gcr.io/scaling/hello:v1"), timeout: { seconds: 1 } });
    // The instance would answer 200 after 5 s; the 504 is the router giving up at the 1 s timeout.
    const r = await request(t.emulator.routerPort, host, "/debug/sleep?ms=5000");
    expect(r.status).toBe(504);
    expect((await request(t.emulator.routerPort, host, "/")).status).toBe(200);
  });

  it("restarts a crashed instance, and one whose liveness probe fails", async () => {
    const crashy = await deploy("crashy", { ...template("gcr.io/scaling/hello:v1"), scaling: { minInstanceCount: 1 } });
    const first = lifecycle(crashy.revision, "ready")[0].instanceId;
    await request(t.emulator.routerPort, crashy.host, "/debug/crash").catch(() => undefined);
    await waitFor(() => lifecycle(crashy.revision, "crashed").some((e) => e.instanceId === first), "the crash");
    await waitFor(
      () => lifecycle(crashy.revision, "ready").some((e) => e.instanceId !== first),
      "a replacement instance",
    );
    expect((await request(t.emulator.routerPort, crashy.host)).status).toBe(200);

    const sick = await deploy("sick", {
      containers: [
        {
          image: "gcr.io/scaling/hello:v1",
          env: [{ name: "FAIL_HEALTH", value: "1" }],
          livenessProbe: { httpGet: { path: "/health" }, periodSeconds: 1, failureThreshold: 2, timeoutSeconds: 1 },
        },
      ],
      scaling: { minInstanceCount: 1 },
    });
    const firstSick = lifecycle(sick.revision, "ready")[0].instanceId;
    await waitFor(
      () =>
        lifecycle(sick.revision, "probe-failed").some(
          (e) => e.instanceId === firstSick && e.message.startsWith("LIVENESS"),
        ),
      "the liveness failure",
    );
    await waitFor(
      () => lifecycle(sick.revision, "ready").some((e) => e.instanceId !== firstSick),
      "a restarted instance",
    );
  });

  it("streams container logs as events", async () => {
    const { revision, host } = await deploy("chatty", template("gcr.io/scaling/intentvision-api:v3"));
    await request(t.emulator.routerPort, host, "/v1/classify", { method: "POST" });
    const lines = () => events.flatMap((e) => (e.type === "log" && e.revision === revision ? [e] : []));
    await waitFor(() => lines().some((e) => e.line.includes("classified query")), "the request's log line");
    expect(lines().some((e) => e.stream === "stdout" && e.line.startsWith("intentvision-api:v3 starting as"))).toBe(
      true,
    );
    const json = lines()
      .filter((e) => e.line.startsWith("{"))
      .map((e) => JSON.parse(e.line) as { severity: string; message: string });
    expect(json).toContainEqual(expect.objectContaining({ severity: "INFO", message: "classified query" }));
    // The missing secret is reported by name; no value is ever printed.
    expect(json).toContainEqual(
      expect.objectContaining({ severity: "WARNING", message: "TURSO_TOKEN is not set; database calls will fail" }),
    );
  });
});
