// Loads Google's protos from the npm packages that ship them (no copies): the
// product tree from @google-cloud/run, the shared google/api, google/rpc,
// google/longrunning and google/protobuf files from google-gax.
import { createRequire } from "node:module";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const require = createRequire(import.meta.url);

/** `<package>/build/protos` for a package whose main lives in build/src. */
function protosDir(pkg: string): string {
  return path.join(path.dirname(require.resolve(pkg)), "..", "protos");
}

export const INCLUDE_DIRS = [
  protosDir("@google-cloud/run"),
  protosDir("@google-cloud/secret-manager"),
  protosDir("@google-cloud/billing"),
  protosDir("@google-cloud/billing-budgets"),
  protosDir("@google-cloud/sql"),
  protosDir("@google-cloud/resource-manager"),
  protosDir("google-gax"),
];

// How requests reach our handlers: camelCase, int64 as strings, enum names,
// no defaults (so "unset" is visible), empty arrays/maps present.
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  objects: true,
  oneofs: true,
  includeDirs: INCLUDE_DIRS,
};

const FILES = [
  "google/cloud/run/v2/service.proto",
  "google/cloud/run/v2/revision.proto",
  "google/longrunning/operations.proto",
  "google/cloud/run/v2/job.proto",
  "google/cloud/run/v2/execution.proto",
  "google/cloud/run/v2/task.proto",
  "google/cloud/secretmanager/v1/service.proto",
  "google/cloud/billing/v1/cloud_catalog.proto",
  "google/cloud/billing/v1/cloud_billing.proto",
  "google/cloud/billing/budgets/v1/budget_service.proto",
  "google/cloud/resourcemanager/v3/projects.proto",
  ...["instances", "backup_runs", "users", "operations"].map((f) => `google/cloud/sql/v1/cloud_sql_${f}.proto`),
];

export type Protos = {
  definition: protoLoader.PackageDefinition;
  services: grpc.ServiceDefinition;
  revisions: grpc.ServiceDefinition;
  /** Cloud Run jobs v2: Jobs, Executions, Tasks. */
  jobs: grpc.ServiceDefinition;
  executions: grpc.ServiceDefinition;
  tasks: grpc.ServiceDefinition;
  operations: grpc.ServiceDefinition;
  secretManager: grpc.ServiceDefinition;
  cloudCatalog: grpc.ServiceDefinition;
  cloudBilling: grpc.ServiceDefinition;
  budgets: grpc.ServiceDefinition;
  /** Resource Manager v3 Projects (GetProject, SearchProjects). */
  projects: grpc.ServiceDefinition;
  sql: Record<"instances" | "backupRuns" | "users" | "operations", grpc.ServiceDefinition>;
  codec: Codec;
};

/** The messages packed into google.protobuf.Any (operation metadata and responses). */
export type PackedType =
  | "google.cloud.run.v2.Service"
  | "google.cloud.run.v2.Revision"
  | "google.cloud.run.v2.Job"
  | "google.cloud.run.v2.Execution";

/** Binary codecs for the messages packed into google.protobuf.Any. */
export type Codec = {
  encode(typeName: PackedType, value: object): Buffer;
  decode(typeName: PackedType, bytes: Buffer): Record<string, unknown>;
};

function method(
  def: protoLoader.PackageDefinition,
  service: string,
  name: string,
): protoLoader.MethodDefinition<object, object> {
  return (def[service] as protoLoader.ServiceDefinition)[name] as protoLoader.MethodDefinition<object, object>;
}

export function loadProtos(): Protos {
  const definition = protoLoader.loadSync(FILES, LOADER_OPTIONS);
  // The Get methods' response (de)serializers are exactly protobufjs's
  // fromObject+encode / decode+toObject for each resource, with the
  // loader's options, so Any payloads are encoded like every other message.
  const getters: Record<PackedType, protoLoader.MethodDefinition<object, object>> = {
    "google.cloud.run.v2.Service": method(definition, "google.cloud.run.v2.Services", "GetService"),
    "google.cloud.run.v2.Revision": method(definition, "google.cloud.run.v2.Revisions", "GetRevision"),
    "google.cloud.run.v2.Job": method(definition, "google.cloud.run.v2.Jobs", "GetJob"),
    "google.cloud.run.v2.Execution": method(definition, "google.cloud.run.v2.Executions", "GetExecution"),
  };
  const pick = (t: PackedType) => getters[t];
  const codec: Codec = {
    encode: (typeName, value) => pick(typeName).responseSerialize(value),
    decode: (typeName, bytes) => pick(typeName).responseDeserialize(bytes) as Record<string, unknown>,
  };
  return {
    definition,
    services: definition["google.cloud.run.v2.Services"] as grpc.ServiceDefinition,
    revisions: definition["google.cloud.run.v2.Revisions"] as grpc.ServiceDefinition,
    jobs: definition["google.cloud.run.v2.Jobs"] as grpc.ServiceDefinition,
    executions: definition["google.cloud.run.v2.Executions"] as grpc.ServiceDefinition,
    tasks: definition["google.cloud.run.v2.Tasks"] as grpc.ServiceDefinition,
    operations: definition["google.longrunning.Operations"] as grpc.ServiceDefinition,
    secretManager: definition["google.cloud.secretmanager.v1.SecretManagerService"] as grpc.ServiceDefinition,
    cloudCatalog: definition["google.cloud.billing.v1.CloudCatalog"] as grpc.ServiceDefinition,
    cloudBilling: definition["google.cloud.billing.v1.CloudBilling"] as grpc.ServiceDefinition,
    budgets: definition["google.cloud.billing.budgets.v1.BudgetService"] as grpc.ServiceDefinition,
    projects: definition["google.cloud.resourcemanager.v3.Projects"] as grpc.ServiceDefinition,
    sql: {
      instances: definition["google.cloud.sql.v1.SqlInstancesService"] as grpc.ServiceDefinition,
      backupRuns: definition["google.cloud.sql.v1.SqlBackupRunsService"] as grpc.ServiceDefinition,
      users: definition["google.cloud.sql.v1.SqlUsersService"] as grpc.ServiceDefinition,
      operations: definition["google.cloud.sql.v1.SqlOperationsService"] as grpc.ServiceDefinition,
    },
    codec,
  };
}
