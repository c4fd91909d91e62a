// Logging v2 and Monitoring v3 protos, from the packages that ship them:
// @google-cloud/logging 11.x keeps its protos in @google-cloud/logging-api;
// @google-cloud/monitoring in its build/protos; shared google/* from gax.
// Loaded here rather than in grpc/protos.ts so the two APIs stay one module
// each and loading them does not slow the Run-only paths.
import { createRequire } from "node:module";
import path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { INCLUDE_DIRS, LOADER_OPTIONS } from "../grpc/protos";

const require = createRequire(import.meta.url);
const protosDir = (pkg: string) => path.join(path.dirname(require.resolve(pkg)), "..", "protos");

export type TelemetryProtos = { logging: grpc.ServiceDefinition; metrics: grpc.ServiceDefinition };

export function loadTelemetryProtos(): TelemetryProtos {
  const includeDirs = [protosDir("@google-cloud/logging-api"), protosDir("@google-cloud/monitoring"), ...INCLUDE_DIRS];
  const def = protoLoader.loadSync(["google/logging/v2/logging.proto", "google/monitoring/v3/metric_service.proto"], {
    ...LOADER_OPTIONS,
    includeDirs,
  });
  return {
    logging: def["google.logging.v2.LoggingServiceV2"] as grpc.ServiceDefinition,
    metrics: def["google.monitoring.v3.MetricService"] as grpc.ServiceDefinition,
  };
}
