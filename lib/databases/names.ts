// How a Cloud SQL instance is named on an operation row (its `service` column).
export type InstanceRef = { project: string; instance: string };

export const instanceName = (r: InstanceRef) => `projects/${r.project}/instances/${r.instance}`;

export function parseInstanceName(name: string): InstanceRef | null {
  const m = /^projects\/([^/]+)\/instances\/([^/]+)$/.exec(name);
  return m ? { project: m[1], instance: m[2] } : null;
}
