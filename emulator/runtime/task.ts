// One attempt of a Cloud Run job task: the image's app run as a child process
// to completion (no port, no probes), with the job contract's variables, its
// stdout/stderr passed on line by line, killed at the task timeout or on
// cancel (SIGTERM, then SIGKILL after the grace period).
import { type ChildProcess, spawn } from "node:child_process";
import readline from "node:readline";
import type { ResolvedImage } from "./images";
import { killOnExit } from "./instance";
import type { EnvSpec, SecretResolver } from "./types";

export type TaskAttemptSpec = {
  project: string;
  image: ResolvedImage;
  /** RUNWAY_IMAGE: the reference as deployed. */
  imageRef: string;
  args: string[];
  workingDir: string;
  env: EnvSpec[];
  /** CLOUD_RUN_JOB, CLOUD_RUN_EXECUTION, CLOUD_RUN_TASK_*: win over the user's env. */
  contract: Record<string, string>;
  timeoutMs: number;
};

export type TaskAttemptResult =
  | { kind: "exited"; exitCode: number; signal: NodeJS.Signals | null }
  | { kind: "timeout" }
  | { kind: "cancelled" }
  | { kind: "error"; message: string };

export class TaskAttempt {
  private child?: ChildProcess;
  private cancelled = false;
  private timedOut = false;

  constructor(
    private readonly spec: TaskAttemptSpec,
    private readonly deps: {
      resolveSecret: SecretResolver;
      shutdownGraceMs: number;
      onLine: (stream: "stdout" | "stderr", line: string) => void;
    },
  ) {}

  async run(): Promise<TaskAttemptResult> {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", TZ: process.env.TZ ?? "UTC" };
    for (const e of this.spec.env) {
      if ("value" in e) env[e.name] = e.value;
      else {
        try {
          env[e.name] = await this.deps.resolveSecret(this.spec.project, e.secret);
        } catch (err) {
          return { kind: "error", message: `${e.name}: ${(err as Error).message}` };
        }
      }
    }
    Object.assign(env, this.spec.contract, { RUNWAY_IMAGE: this.spec.imageRef });
    if (this.cancelled) return { kind: "cancelled" };
    const child = spawn(process.execPath, [this.spec.image.entrypoint, ...this.spec.args], {
      env: env as NodeJS.ProcessEnv,
      cwd: this.spec.workingDir || undefined,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    killOnExit(child);
    for (const stream of ["stdout", "stderr"] as const) {
      readline
        .createInterface({ input: child[stream]!, crlfDelay: Infinity })
        .on("line", (line) => this.deps.onLine(stream, line));
    }
    const timer = setTimeout(() => {
      this.timedOut = true;
      this.terminate();
    }, this.spec.timeoutMs);
    const result = await new Promise<TaskAttemptResult>((resolve) => {
      child.once("error", (err) => resolve({ kind: "error", message: err.message }));
      child.once("exit", (code, signal) => resolve({ kind: "exited", exitCode: code ?? -1, signal }));
    });
    clearTimeout(timer);
    if (this.cancelled) return { kind: "cancelled" };
    if (this.timedOut) return { kind: "timeout" };
    return result;
  }

  /** Stops the attempt; `run()` then resolves as cancelled. */
  cancel(): void {
    this.cancelled = true;
    this.terminate();
  }

  private terminate(): void {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), this.deps.shutdownGraceMs);
    killer.unref();
    child.once("exit", () => clearTimeout(killer));
  }
}
