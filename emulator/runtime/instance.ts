// One instance of a revision: a child process running the image's app, its
// startup probe, its liveness probe and its shutdown (SIGTERM, grace, SIGKILL).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import readline from "node:readline";
import type { Logger } from "../log";
import type { LifecycleKind, RuntimeEvents } from "./events";
import type { ResolvedImage } from "./images";
import { allocatePort } from "./ports";
import { livenessCheck, runStartupProbe } from "./probes";
import type { DeployFailureReason, ProbeSpec, RevisionSpec, SecretResolver } from "./types";

export type InstanceDeps = {
  events: RuntimeEvents;
  log: Logger;
  resolveSecret: SecretResolver;
  shutdownGraceMs: number;
};

export class StartupError extends Error {
  constructor(
    readonly reason: DeployFailureReason,
    message: string,
  ) {
    super(message);
  }
}

/** Cloud Run's default: one TCP attempt of up to 240 s. */
export const DEFAULT_STARTUP_PROBE: ProbeSpec = {
  kind: "tcp",
  path: "",
  headers: {},
  initialDelayMs: 0,
  timeoutMs: 240_000,
  periodMs: 240_000,
  failureThreshold: 1,
};

// Last line of defence: if the emulator process exits without stopping its
// instances (a crash), kill them rather than leave orphans behind.
const liveChildren = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
});

/** Other child processes (Cloud Run job tasks) get the same last line of defence. */
export function killOnExit(child: ChildProcess): void {
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
}

type State = "starting" | "ready" | "stopping" | "stopped";

export class Instance {
  /** Looks like Cloud Run's instance ids: long lowercase hex. */
  readonly id = randomBytes(16).toString("hex");
  port = 0;
  state: State = "starting";
  inflight = 0;
  lastActive = Date.now();
  readonly agent: http.Agent;
  /** Called when the process ends on its own, or its liveness probe fails. */
  onFailure?: (instance: Instance) => void;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private livenessTimer?: NodeJS.Timeout;
  /** How the process ended when it ended on its own. */
  private exitedHow?: string;

  constructor(
    readonly spec: RevisionSpec,
    readonly image: ResolvedImage,
    private readonly deps: InstanceDeps,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(1, spec.concurrency) });
  }

  /** The process id while the process runs (utilization sampling reads its RSS and CPU time). */
  get pid(): number | undefined {
    return this.state === "stopped" ? undefined : this.child?.pid;
  }

  private emit(kind: LifecycleKind, message: string) {
    const { project, region, service, revision } = this.spec;
    this.deps.events.publish({
      type: "lifecycle",
      time: new Date(),
      project,
      region,
      service,
      revision,
      instanceId: this.id,
      kind,
      message,
    });
    this.deps.log.debug(`instance ${kind}`, { revision, instanceId: this.id, detail: message });
  }

  private async environment(): Promise<Record<string, string>> {
    const { spec } = this;
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", TZ: process.env.TZ ?? "UTC" };
    for (const e of spec.env) {
      if ("value" in e) env[e.name] = e.value;
      else {
        try {
          env[e.name] = await this.deps.resolveSecret(spec.project, e.secret);
        } catch (err) {
          throw new StartupError("SECRETS_ACCESS_CHECK_FAILED", `${e.name}: ${(err as Error).message}`);
        }
      }
    }
    // The contract's variables win over anything user-provided.
    Object.assign(env, {
      PORT: String(this.port),
      K_SERVICE: spec.service,
      K_REVISION: spec.revision,
      K_CONFIGURATION: spec.service,
      RUNWAY_IMAGE: spec.image,
    });
    return env;
  }

  /** Spawns the process and resolves once the startup probe passes. */
  async start(): Promise<void> {
    this.emit("starting", `Starting new instance of ${this.spec.revision} (${this.image.name}:${this.image.tag}).`);
    this.port = await allocatePort();
    let env: Record<string, string>;
    try {
      env = await this.environment();
    } catch (err) {
      this.state = "stopped";
      this.emit("stopped", (err as Error).message);
      throw err;
    }
    const child = spawn(process.execPath, [this.image.entrypoint, ...this.spec.args], {
      env: env as NodeJS.ProcessEnv,
      cwd: this.spec.workingDir || undefined,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    liveChildren.add(child);
    const exitController = new AbortController();
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        liveChildren.delete(child);
        exitController.abort();
        this.handleExit(code, signal);
        resolve();
      });
      child.once("error", (err) => {
        this.deps.log.error("instance process error", { revision: this.spec.revision, error: err.message });
        // A process that never spawned sends no "exit": settle here instead.
        if (child.pid === undefined) {
          liveChildren.delete(child);
          exitController.abort();
          this.handleExit(null, null);
          resolve();
        }
      });
    });
    this.pipeLogs(child);

    const probe = this.spec.startupProbe ?? DEFAULT_STARTUP_PROBE;
    const outcome = await runStartupProbe(this.port, probe, exitController.signal);
    if (this.exitedHow)
      throw new StartupError(
        "HEALTH_CHECK_CONTAINER_ERROR",
        `the container exited (${this.exitedHow}) before it became ready`,
      );
    if (this.state !== "starting")
      throw new StartupError("HEALTH_CHECK_CONTAINER_ERROR", "the instance was stopped while starting");
    const what = `${probe === DEFAULT_STARTUP_PROBE ? "Default " : ""}STARTUP ${probe.kind.toUpperCase()} probe`;
    if (!outcome.ok) {
      this.emit(
        "probe-failed",
        `${what} failed for container on port ${this.port}: ${outcome.message}. The instance was not started.`,
      );
      await this.stop("startup probe failed");
      throw new StartupError("HEALTH_CHECK_CONTAINER_ERROR", outcome.message);
    }
    this.state = "ready";
    this.lastActive = Date.now();
    this.emit("ready", `${what} succeeded for container on port ${this.port}.`);
    this.startLiveness();
  }

  private pipeLogs(child: ChildProcess) {
    const { project, region, service, revision } = this.spec;
    for (const stream of ["stdout", "stderr"] as const) {
      const source = child[stream];
      if (!source) continue;
      readline.createInterface({ input: source, crlfDelay: Infinity }).on("line", (line) => {
        this.deps.events.publish({
          type: "log",
          time: new Date(),
          project,
          region,
          service,
          revision,
          instanceId: this.id,
          stream,
          line,
        });
      });
    }
  }

  private handleExit(code: number | null, signal: NodeJS.Signals | null) {
    clearInterval(this.livenessTimer);
    const unexpected = this.state === "starting" || this.state === "ready";
    this.state = "stopped";
    this.agent.destroy();
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    if (unexpected) this.exitedHow = how;
    if (unexpected) {
      this.emit("crashed", `Container terminated on ${how}.`);
      this.onFailure?.(this);
    } else {
      this.emit("stopped", `Container stopped (${how}).`);
    }
  }

  private startLiveness() {
    const probe = this.spec.livenessProbe;
    if (!probe) return;
    let failures = 0;
    let running = false;
    const tick = async () => {
      if (running || this.state !== "ready") return;
      running = true;
      const outcome = await livenessCheck(this.port, probe);
      running = false;
      if (this.state !== "ready") return;
      failures = outcome.ok ? 0 : failures + 1;
      if (failures >= probe.failureThreshold) {
        clearInterval(this.livenessTimer);
        const why = outcome.ok ? "" : outcome.message;
        this.emit(
          "probe-failed",
          `LIVENESS ${probe.kind.toUpperCase()} probe failed ${failures} times consecutively: ${why}. The instance will be restarted.`,
        );
        this.onFailure?.(this);
        void this.stop("liveness probe failed");
      }
    };
    setTimeout(() => {
      this.livenessTimer = setInterval(() => void tick(), probe.periodMs);
      this.livenessTimer.unref();
    }, probe.initialDelayMs).unref();
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
  async stop(reason: string): Promise<void> {
    clearInterval(this.livenessTimer);
    if (this.state === "stopped" || !this.child) {
      this.state = "stopped";
      return;
    }
    if (this.state !== "stopping") {
      this.state = "stopping";
      this.emit("stopping", `Shutting down instance: ${reason}.`);
      this.child.kill("SIGTERM");
    }
    const killer = setTimeout(() => this.child?.kill("SIGKILL"), this.deps.shutdownGraceMs);
    await this.exited;
    clearTimeout(killer);
  }
}
