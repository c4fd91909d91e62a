// Monitored resource types the emulator knows: their descriptors (served by
// List/GetMonitoredResourceDescriptors) and which of them custom metrics may
// be written against. Labels and wording follow Google's monitored resource
// list (cloud.google.com/monitoring/api/resources); custom metrics take only
// the generic and compute types there ("Monitored resource types for
// user-defined metrics"), so Cloud Run's own types are read-only.
export type ResourceType = {
  type: string;
  displayName: string;
  description: string;
  labels: [string, string][];
  customWritable: boolean;
};

const PROJECT: [string, string] = [
  "project_id",
  'The identifier of the GCP project associated with this resource, such as "my-project".',
];

export const RESOURCE_TYPES: ResourceType[] = [
  {
    type: "cloud_run_job",
    displayName: "Cloud Run Job",
    description: "A Cloud Run Job.",
    customWritable: false,
    labels: [PROJECT, ["job_name", "The name of the Cloud Run job."], ["location", "Region where the job is running."]],
  },
  {
    type: "cloud_run_revision",
    displayName: "Cloud Run Revision",
    description: "A revision in Cloud Run (fully managed).",
    customWritable: false,
    labels: [
      PROJECT,
      ["service_name", "The name of the service."],
      ["revision_name", "The name of the revision."],
      ["location", "Region where the service is running."],
      ["configuration_name", "The name of the configuration which created the revision."],
    ],
  },
  {
    type: "cloudsql_database",
    displayName: "Cloud SQL Database",
    description: "A database hosted in Google Cloud SQL.",
    customWritable: false,
    labels: [
      PROJECT,
      ["database_id", "The ID of the database."],
      ["region", "The Google Cloud SQL region in which the database is running."],
    ],
  },
  {
    type: "gce_instance",
    displayName: "VM Instance",
    description: "A virtual machine instance hosted in Compute Engine (GCE).",
    customWritable: true,
    labels: [
      PROJECT,
      ["instance_id", "The numeric VM instance identifier assigned by Compute Engine."],
      ["zone", "The Compute Engine zone in which the VM is running."],
    ],
  },
  {
    type: "generic_node",
    displayName: "Generic Node",
    description:
      "A generic node identifies a machine or other computational resource for which no more specific resource type is applicable.",
    customWritable: true,
    labels: [
      PROJECT,
      ["location", "The GCP or AWS region in which data about the resource is stored."],
      ["namespace", "A namespace identifier, such as a cluster name."],
      [
        "node_id",
        "A unique identifier for the node within the namespace and location, such as a hostname or IP address.",
      ],
    ],
  },
  {
    type: "generic_task",
    displayName: "Generic Task",
    description:
      "A generic task identifies an application process for which no more specific resource is applicable, such as a process scheduled by a custom orchestration system.",
    customWritable: true,
    labels: [
      PROJECT,
      ["location", "The GCP or AWS region in which data about the resource is stored."],
      ["namespace", "A namespace identifier, such as a cluster name."],
      [
        "job",
        "An identifier for a grouping of related tasks, such as the name of a microservice or distributed batch job.",
      ],
      [
        "task_id",
        "A unique identifier for the task within the namespace and job, such as a replica index identifying the task within the job.",
      ],
    ],
  },
  {
    type: "uptime_url",
    displayName: "Uptime Check URL",
    description: "A URL that is monitored by an uptime check; its metrics come from the check.",
    customWritable: false,
    labels: [PROJECT, ["host", "The hostname or IP address of the check."]],
  },
  {
    type: "global",
    displayName: "Global",
    description: "A global resource identifies an application for which no more specific resource is applicable.",
    customWritable: true,
    labels: [PROJECT],
  },
];

export const resourceType = (type: string) => RESOURCE_TYPES.find((r) => r.type === type);

export function resourceDescriptor(project: string, r: ResourceType) {
  return {
    name: `projects/${project}/monitoredResourceDescriptors/${r.type}`,
    type: r.type,
    displayName: r.displayName,
    description: r.description,
    labels: r.labels.map(([key, description]) => ({ key, valueType: "STRING", description })),
    launchStage: "GA",
  };
}
