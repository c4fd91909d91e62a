import type { EnvVar, RevisionView, ServiceView } from "@/lib/services";

type Config = Pick<
  RevisionView,
  | "image"
  | "cpu"
  | "memory"
  | "env"
  | "probes"
  | "port"
  | "minInstances"
  | "maxInstances"
  | "concurrency"
  | "timeoutSeconds"
  | "serviceAccount"
>;

export function configFromService(s: ServiceView): Config {
  return { ...s.template, image: s.image };
}

/** Flat, comparable lines of a configuration; secret references show name and version, never a value. */
export function configLines(c: Config): [string, string][] {
  const env = (e: EnvVar): [string, string] =>
    "secret" in e ? [`secret ${e.name}`, `${e.secret}:${e.version}`] : [`env ${e.name}`, e.value];
  return [
    ["image", c.image],
    ["cpu", `${c.cpu}`],
    ["memory", c.memory],
    ["instances", `${c.minInstances}–${c.maxInstances}`],
    ["concurrency", String(c.concurrency)],
    ["timeout", `${c.timeoutSeconds} s`],
    ["service account", c.serviceAccount || "(default)"],
    ["port", String(c.port ?? 8080)],
    ...c.env.map(env).sort((a, b) => a[0].localeCompare(b[0])),
    ...c.probes.map((p): [string, string] => [
      `${p.kind} probe`,
      `${p.type}${p.path ? ` ${p.path}` : ""}${p.port ? ` :${p.port}` : ""} every ${p.periodSeconds}s, ${p.failureThreshold}× / ${p.timeoutSeconds}s`,
    ]),
  ];
}

export function ConfigList({ config }: { config: Config }) {
  return (
    <dl className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
      {configLines(config).map(([k, v]) => (
        <div key={k} className="grid grid-cols-3 gap-3 px-4 py-1.5">
          <dt className="text-zinc-500 dark:text-zinc-400">{k}</dt>
          <dd className="col-span-2 break-all font-mono text-xs leading-5">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
