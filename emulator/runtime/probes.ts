// Startup and liveness probes against an instance's port.
// Emulator choices, documented in emulator/README.md:
// - a TCP probe attempt keeps trying to connect until its timeout (Cloud Run's
//   default startup probe is one TCP attempt of up to 240 s that succeeds as
//   soon as the container listens);
// - before the first HTTP attempt the probe waits for the port to open, so a
//   container that needs 100 ms to bind is not pushed back a whole period.
import http from "node:http";
import net from "node:net";
import type { ProbeSpec } from "./types";

export type ProbeOutcome = { ok: true } | { ok: false; message: string };

class Aborted extends Error {}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Aborted());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** One TCP connect; true when the port accepts within `timeoutMs`. */
export function tcpConnect(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Keeps connecting until the port accepts or `timeoutMs` passes. */
export async function waitForPort(port: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw new Aborted();
    const left = deadline - Date.now();
    if (left <= 0) return false;
    if (await tcpConnect(port, Math.min(left, 1000))) return true;
    // Short: every retry here is time a cold-started request waits.
    await sleep(Math.min(10, Math.max(1, deadline - Date.now())), signal);
  }
}

/** One HTTP GET; 200–399 is healthy. */
export function httpCheck(port: number, probe: ProbeSpec): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const req = http.get(
      {
        host: "127.0.0.1",
        port,
        path: probe.path || "/",
        headers: { "user-agent": "GoogleHC/1.0", ...probe.headers },
        agent: false,
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(
          status >= 200 && status < 400
            ? { ok: true }
            : { ok: false, message: `HTTP probe on ${probe.path} returned ${status}` },
        );
      },
    );
    req.setTimeout(probe.timeoutMs, () => {
      req.destroy();
      resolve({ ok: false, message: `HTTP probe on ${probe.path} timed out after ${probe.timeoutMs} ms` });
    });
    req.on("error", (err) => resolve({ ok: false, message: `HTTP probe on ${probe.path} failed: ${err.message}` }));
  });
}

async function attempt(port: number, probe: ProbeSpec, signal?: AbortSignal): Promise<ProbeOutcome> {
  if (probe.kind === "http") return httpCheck(port, probe);
  return (await waitForPort(port, probe.timeoutMs, signal))
    ? { ok: true }
    : { ok: false, message: `TCP probe on port ${port} found nothing listening within ${probe.timeoutMs} ms` };
}

/**
 * Runs a startup probe to completion: success, `failureThreshold` failed
 * attempts `periodMs` apart, or abort (the container exited).
 */
export async function runStartupProbe(port: number, probe: ProbeSpec, signal?: AbortSignal): Promise<ProbeOutcome> {
  try {
    if (probe.initialDelayMs > 0) await sleep(probe.initialDelayMs, signal);
    if (probe.kind === "http") {
      const window = Math.max(probe.timeoutMs, probe.periodMs * probe.failureThreshold);
      if (!(await waitForPort(port, window, signal))) {
        return { ok: false, message: `nothing listened on the port within the ${window} ms startup window` };
      }
    }
    let last: ProbeOutcome = { ok: false, message: "startup probe never ran" };
    for (let i = 1; i <= Math.max(1, probe.failureThreshold); i++) {
      const started = Date.now();
      last = await attempt(port, probe, signal);
      if (last.ok) return last;
      if (i < probe.failureThreshold) await sleep(Math.max(0, probe.periodMs - (Date.now() - started)), signal);
    }
    return last;
  } catch (err) {
    if (err instanceof Aborted) return { ok: false, message: "the container exited before it became ready" };
    throw err;
  }
}

/** One liveness check (a single attempt, no waiting for the port). */
export async function livenessCheck(port: number, probe: ProbeSpec): Promise<ProbeOutcome> {
  if (probe.kind === "http") return httpCheck(port, probe);
  return (await tcpConnect(port, probe.timeoutMs))
    ? { ok: true }
    : { ok: false, message: `TCP liveness probe on port ${port} failed` };
}
