// Cloud Run resource names: projects/{p}/locations/{l}/services/{s}[/revisions/{r}]

/** A traffic tag (it becomes part of a URL): what the traffic editor checks as you type, and the server again. */
export const TAG = /^[a-z]([a-z0-9-]{0,44}[a-z0-9])?$/;

export type ServiceRef = { project: string; region: string; service: string };

const SERVICE_NAME =
  /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/locations\/([a-z]+-[a-z]+\d+)\/services\/([a-z][a-z0-9-]{0,48})$/;

export function parseServiceName(name: string): ServiceRef | null {
  const m = SERVICE_NAME.exec(name);
  return m ? { project: m[1], region: m[2], service: m[3] } : null;
}

export function serviceName({ project, region, service }: ServiceRef): string {
  return `projects/${project}/locations/${region}/services/${service}`;
}

/** `projects/…/revisions/hello-00002-abc` → `hello-00002-abc` */
export function shortName(name: string | null | undefined): string {
  return name ? name.slice(name.lastIndexOf("/") + 1) : "";
}

/** The portal's URL path of a service page. */
export function servicePath({ project, region, service }: ServiceRef): string {
  return `/services/${project}/${region}/${service}`;
}
