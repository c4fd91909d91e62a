// What the Cloud Run API module's parts share.
import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "../../log";
import type { Codec } from "../../grpc/protos";
import type { Runtime } from "../../runtime";
import type { Projects } from "../projects";
import type { PolicyStore } from "../iam";
import type { OperationStore, StoredOperation } from "../longrunning/store";
import type { SecretStore } from "../secretmanager/store";
import type { KeyedMutex } from "./mutex";
import type { RunStore } from "./store";

export type RunContext = {
  store: RunStore;
  /** Project numbers in names resolve to ids through this. */
  projects: Projects;
  /** IAM policies of services (dropped with the service). */
  policies: PolicyStore;
  ops: OperationStore;
  secrets: SecretStore;
  runtime: Runtime;
  codec: Codec;
  log: Logger;
  /** Held for every read-check-write of one service (key: service name). */
  locks: KeyedMutex;
  routerPort: () => number;
  /** Starts the background work of an operation. */
  schedule: (op: StoredOperation) => void;
  /** Stops a revision that is still deploying, because a newer one replaces it. */
  supersede: (revisionName: string) => void;
};

/**
 * Who made the call. There is no authentication here; a caller may name
 * itself with the `x-runway-actor` metadata (emulator extension).
 */
export function actorOf(call: grpc.ServerUnaryCall<unknown, unknown>): string {
  const v = call.metadata.get("x-runway-actor")[0];
  return typeof v === "string" && v ? v : "developer@runway.localhost";
}
