// Reading logs through the official Logging client against the emulator:
// request lines, filters, paging, and live tail.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fetchViaRouter, startTestEmulator } from "../../test/emulator";
import { observabilityClients, type ObservabilityClients } from "../gcp/clients";
import { getService } from "../services";
import type { RunClients } from "../gcp/clients";
import { LogQuery } from "./log-query";
import { listLogs, tailLogs } from "./logs";
import type { LogLine } from "./log-entries";

let logs: ObservabilityClients;
let run: RunClients;
let routerPort: number;
let stop: () => Promise<void>;
let setFaults: (rules: unknown) => void;
const ref = { project: "intentvision-prod", region: "us-central1", service: "intentvision-api" };
const q = (input: Record<string, unknown> = {}) =>
  LogQuery.parse({ project: ref.project, service: ref.service, ...input });

beforeAll(async () => {
  const t = await startTestEmulator();
  run = t.clients;
  logs = observabilityClients({ emulatorHost: t.emulator.endpoint });
  routerPort = t.emulator.routerPort;
  stop = () => t.emulator.stop();
  setFaults = (rules) => t.emulator.faults.set(rules);
}, 120_000);

afterAll(async () => {
  await stop?.();
});
// A test that fails with a fault set must not leave it to the next one.
afterEach(() => {
  setFaults([]);
});

async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe("logs", () => {
  it("shows a request the service answered, with status and latency", async () => {
    const { service } = await getService(ref, run);
    const path = `/log-probe-${Date.now()}`;
    await fetchViaRouter(service.uri!, routerPort, path);
    const line = await eventually(async () => {
      const page = await listLogs(
        q({ kind: "requests", text: path.slice(1) }),
        null,
        logs,
        new Date(Date.now() + 1000),
      );
      return page.lines.find((l) => l.request?.url.includes(path));
    });
    expect(line).toMatchObject({
      service: ref.service,
      log: "requests",
      request: { method: "GET", status: expect.any(Number) },
    });
    expect(line.request!.latencyMs).not.toBeNull();
    expect(line.revision).toMatch(/^intentvision-api-/);
  });

  it("filters by minimum severity: exactly the entries at or above it", async () => {
    const marker = `severity-probe-${Date.now()}`;
    const severities = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
    await logs.logging.writeLogEntries({
      logName: `projects/${ref.project}/logs/run.googleapis.com%2Fstdout`,
      resource: {
        type: "cloud_run_revision",
        labels: {
          project_id: ref.project,
          service_name: ref.service,
          location: ref.region,
          revision_name: `${ref.service}-probe`,
        },
      },
      entries: severities.map((severity) => ({ severity, textPayload: `${marker} at ${severity}` })),
    });
    const page = await listLogs(q({ severity: "ERROR", text: marker }), null, logs);
    expect(page.lines.map((l) => [l.severity, l.summary]).sort()).toEqual([
      ["CRITICAL", `${marker} at CRITICAL`],
      ["ERROR", `${marker} at ERROR`],
    ]);
    const all = await listLogs(q({ text: marker }), null, logs);
    expect(all.lines).toHaveLength(severities.length);
  });

  it("says plainly when Cloud Logging's read quota is used up", async () => {
    setFaults({ method: "ListLogEntries", code: "RESOURCE_EXHAUSTED" });
    try {
      await expect(listLogs(q({ text: `quota-${Date.now()}` }), null, logs)).rejects.toThrow(
        /read quota for intentvision-prod \(60 queries a minute\) is used up/,
      );
    } finally {
      setFaults([]);
    }
  });

  it("shares one call between identical queries made at the same time", async () => {
    let calls = 0;
    setFaults({ method: "ListLogEntries", latencyMs: 200 });
    const count = logs.logging.listLogEntries.bind(logs.logging);
    const counting = {
      ...logs,
      logging: Object.assign(Object.create(logs.logging), {
        listLogEntries: (...a: Parameters<typeof count>) => (calls++, count(...a)),
      }),
    };
    try {
      const query = q({ text: `shared-${Date.now()}` });
      const pages = await Promise.all([
        listLogs(query, null, counting),
        listLogs(query, null, counting),
        listLogs(query, null, counting),
      ]);
      expect(calls).toBe(1);
      expect(pages[1]).toBe(pages[0]);
    } finally {
      setFaults([]);
    }
  });

  it("tails new entries as they happen, once the tail session is open", async () => {
    const { service } = await getService(ref, run);
    const seen: LogLine[] = [];
    const abort = new AbortController();
    let failure: Error | null = null;
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    tailLogs(
      q(),
      (lines) => seen.push(...lines),
      (err) => (failure = err),
      abort.signal,
      logs,
      opened,
    );
    try {
      await open;
      expect(seen).toEqual([]);
      const path = `/tail-probe-${Date.now()}`;
      await fetchViaRouter(service.uri!, routerPort, path);
      const line = await eventually(async () => seen.find((l) => l.request?.url.includes(path)));
      expect(line.service).toBe(ref.service);
      expect(failure).toBeNull();
    } finally {
      abort.abort();
    }
  });
});
