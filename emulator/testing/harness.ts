// Shared by the emulator's tests and benchmarks: start an emulator on a fresh
// database, official Cloud Run clients pointed at it, HTTP through the router
// with an explicit Host (Node does not resolve *.localhost), and polling.
import run from "@google-cloud/run";
import { grpc, operationsProtos } from "google-gax";
import { startEmulator, type Emulator, type EmulatorOptions } from "../index";

export const { ServicesClient, RevisionsClient } = run.v2;
export type ServicesClientT = InstanceType<typeof run.v2.ServicesClient>;
export type RevisionsClientT = InstanceType<typeof run.v2.RevisionsClient>;

/** google.longrunning request messages, typed as the Operations client wants them. */
export const opRequest = (name: string) => operationsProtos.google.longrunning.GetOperationRequest.fromObject({ name });
export const listOpsRequest = (name: string) =>
  operationsProtos.google.longrunning.ListOperationsRequest.fromObject({ name, filter: "" });

/** Per-call options: fail fast instead of retrying against a broken emulator. */
export const CALL = { timeout: 20_000, retry: null } as const;

/** The gRPC code and details of a call that must fail. */
export async function code(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code: number; details?: string; message: string };
    return { code: e.code, details: e.details ?? e.message };
  }
  throw new Error("expected the call to fail");
}

export type TestEmulator = {
  emulator: Emulator;
  services: ServicesClientT;
  revisions: RevisionsClientT;
  parent: (project?: string, region?: string) => string;
  close(): Promise<void>;
};

export function clientOptions(port: number) {
  // The clients read projectId only for auth; insecure credentials skip auth.
  return { apiEndpoint: "127.0.0.1", port, sslCreds: grpc.credentials.createInsecure(), projectId: "runway-test" };
}

export async function startTestEmulator(
  databaseUrl: string,
  opts: Partial<EmulatorOptions> = {},
): Promise<TestEmulator> {
  const lines: string[] = [];
  const emulator = await startEmulator({
    databaseUrl,
    grpcPort: 0,
    routerPort: 0,
    seed: false,
    idleTimeoutMs: 60_000,
    shutdownGraceMs: 3000,
    log: (l) => void lines.push(l),
    logLevel: "WARNING",
    ...opts,
  });
  const services = new ServicesClient(clientOptions(emulator.grpcPort));
  const revisions = new RevisionsClient(clientOptions(emulator.grpcPort));
  return {
    emulator,
    services,
    revisions,
    parent: (project = "test-project", region = "us-central1") => `projects/${project}/locations/${region}`,
    async close() {
      await Promise.allSettled([services.close(), revisions.close()]);
      await emulator.stop();
      const errors = lines.filter((l) => l.includes('"severity":"ERROR"'));
      if (errors.length) throw new Error(`emulator logged errors:\n${errors.join("\n")}`);
    },
  };
}

export { request, type HttpResult } from "./http";

/** The Host part of a service or tag URI (`http://host:port`). */
export const hostOf = (uri: string) => new URL(uri).hostname;

/** Polls until `fn` returns a truthy value; throws with the last value after `timeoutMs`. */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  what: string,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; last value ${JSON.stringify(last)} ${lastError ? String(lastError) : ""}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A minimal service template for the sample images. */
export function template(image: string, env: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return {
    containers: [{ image, env: Object.entries(env).map(([name, value]) => ({ name, value })) }],
    ...extra,
  };
}

/** Creates (`create`) or updates a service running the hello image with `env`, waits for the deploy, and returns its Host. */
export async function deployHello(
  t: TestEmulator,
  parent: string,
  service: string,
  env: Record<string, string>,
  create = false,
): Promise<string> {
  const [op] = create
    ? await t.services.createService(
        { parent, serviceId: service, service: { template: template("gcr.io/t/hello:v1", env) } },
        CALL,
      )
    : await t.services.updateService(
        { service: { name: `${parent}/services/${service}`, template: template("gcr.io/t/hello:v1", env) } },
        CALL,
      );
  await op.promise();
  const [svc] = await t.services.getService({ name: `${parent}/services/${service}` }, CALL);
  return hostOf(svc.uri!);
}
