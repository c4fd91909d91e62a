// The runtime's event stream: one event per routed request, per instance
// lifecycle change and per container log line. The Logging and Monitoring
// emulation (issue 5) subscribes here; nothing in the runtime depends on who
// listens, so emitting never blocks and a throwing listener is isolated.
import { EventEmitter } from "node:events";

/** Where an event comes from: the revision (and instance) that produced it. */
export type EventSource = {
  time: Date;
  project: string;
  region: string;
  service: string;
  /** Short revision name, e.g. `pyplots-api-00003-x7k`. */
  revision: string;
};

export type RequestEvent = EventSource & {
  type: "request";
  /** The instance that served it; null when none could (429, 503). */
  instanceId: string | null;
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  /** Host the client addressed (service URL or tag URL). */
  host: string;
  /** Traffic tag when the request came through a tag URL. */
  tag: string | null;
  status: number;
  latencyMs: number;
  requestBytes: number;
  responseBytes: number;
  userAgent: string;
  remoteIp: string;
  /** `projects/{project}/traces/{traceId}`, the form Cloud Logging uses. */
  trace: string;
  spanId: string;
};

export type LifecycleKind = "starting" | "ready" | "probe-failed" | "stopping" | "stopped" | "crashed";

export type LifecycleEvent = EventSource & {
  type: "lifecycle";
  instanceId: string;
  kind: LifecycleKind;
  message: string;
};

export type LogEvent = EventSource & {
  type: "log";
  instanceId: string;
  stream: "stdout" | "stderr";
  /** One line as the container printed it (plain text or a JSON object). */
  line: string;
};

export type RuntimeEvent = RequestEvent | LifecycleEvent | LogEvent;

type EventMap = {
  request: [RequestEvent];
  lifecycle: [LifecycleEvent];
  log: [LogEvent];
  /** Every event, whatever its type. */
  event: [RuntimeEvent];
};

/**
 * Typed emitter. Subscribe with `events.on("request", e => …)` (or
 * `"lifecycle"`, `"log"`, `"event"` for all) or `events.subscribe(fn)`, which
 * returns the function that unsubscribes.
 */
export class RuntimeEvents extends EventEmitter<EventMap> {
  /** Events waiting for `publishSoon`'s batch. */
  private pending: RuntimeEvent[] = [];

  constructor() {
    super({ captureRejections: false });
    // Many consumers (SSE streams, tests) may listen at once.
    this.setMaxListeners(0);
  }

  publish(event: RuntimeEvent): void {
    if (this.pending.length) this.flushPending(); // keep the order events happened in
    this.safeEmit(event.type, event);
    this.safeEmit("event", event);
  }

  /**
   * Publishes after the current round of I/O callbacks (setImmediate), in
   * one batch with the others queued meanwhile, so listeners' work (request
   * logs, metrics) does not delay the responses of requests still in flight.
   * Order is kept; `flushPending` publishes what waits at once (on close).
   */
  publishSoon(event: RuntimeEvent): void {
    if (this.pending.push(event) === 1) setImmediate(() => this.flushPending());
  }

  flushPending(): void {
    const batch = this.pending;
    if (!batch.length) return;
    this.pending = [];
    for (const event of batch) this.publish(event);
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    this.on("event", listener);
    return () => this.off("event", listener);
  }

  private safeEmit(name: keyof EventMap, event: RuntimeEvent): void {
    for (const listener of this.listeners(name) as ((e: RuntimeEvent) => void)[]) {
      try {
        listener(event);
      } catch {
        // A consumer's bug must not break request routing.
      }
    }
  }
}
