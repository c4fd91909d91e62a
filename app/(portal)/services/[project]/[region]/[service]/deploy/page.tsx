import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Forbidden } from "@/components/shell/forbidden";
import { DeployForm, type DeployDefaults } from "@/components/services/deploy-form";
import { Notice, PageHeader, Panel } from "@/components/ui/panel";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { NotFound } from "@/lib/errors";
import { getService, serviceName, servicePath, type ServiceView } from "@/lib/services";
import { db } from "@/lib/db";
import { describeSteps, readPlan } from "@/lib/releases";

export const metadata: Metadata = { title: "Deploy" };

function defaultsFrom(s: ServiceView): DeployDefaults {
  const cpu = s.template.cpu.endsWith("m") ? String(Number(s.template.cpu.slice(0, -1)) / 1000) : s.template.cpu;
  return {
    image: s.image,
    env: s.template.env.flatMap((e) => ("value" in e ? [{ name: e.name, value: e.value }] : [])),
    secrets: s.template.env.flatMap((e) =>
      "secret" in e ? [{ name: e.name, secret: e.secret, version: e.version }] : [],
    ),
    cpu: ["1", "2", "4", "8"].includes(cpu) ? cpu : "1",
    memory: s.template.memory,
    billing: s.template.billing,
    minInstances: s.template.minInstances,
    maxInstances: s.template.maxInstances || 100,
    concurrency: s.template.concurrency || 80,
    timeoutSeconds: s.template.timeoutSeconds || 300,
  };
}

const MEMORY = ["256Mi", "512Mi", "1Gi", "2Gi", "4Gi", "8Gi", "16Gi", "32Gi"];
type Query = Record<string, string | string[] | undefined>;

/**
 * Settings a right-sizing suggestion links with (memory, billing, minInstances,
 * concurrency, cpu): only values the form accepts; each one changed is listed
 * so the person sees what the suggestion changes before deploying.
 */
function prefill(defaults: DeployDefaults, q: Query): { values: DeployDefaults; changes: string[] } {
  const one = (k: string) => (typeof q[k] === "string" ? (q[k] as string) : undefined);
  const values = { ...defaults };
  const changes: string[] = [];
  const note = (label: string, from: unknown, to: unknown) => from !== to && changes.push(`${label} ${from} → ${to}`);
  const memory = one("memory");
  if (memory && MEMORY.includes(memory)) {
    note("memory", values.memory, memory);
    values.memory = memory;
  }
  const cpu = one("cpu");
  if (cpu && ["1", "2", "4", "8"].includes(cpu)) {
    note("CPU", values.cpu, cpu);
    values.cpu = cpu;
  }
  const billing = one("billing");
  if (billing === "request" || billing === "instance") {
    note(
      "CPU allocation",
      values.billing === "request" ? "during requests" : "always",
      billing === "request" ? "during requests" : "always",
    );
    values.billing = billing;
  }
  const int = (k: string, min: number, max: number) => {
    const v = Number(one(k));
    return one(k) !== undefined && Number.isInteger(v) && v >= min && v <= max ? v : undefined;
  };
  const minInstances = int("minInstances", 0, 100);
  if (minInstances !== undefined) {
    note("min instances", values.minInstances, minInstances);
    values.minInstances = minInstances;
  }
  const concurrency = int("concurrency", 1, 1000);
  if (concurrency !== undefined) {
    note("concurrency", values.concurrency, concurrency);
    values.concurrency = concurrency;
  }
  return { values, changes };
}

export default async function DeployPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string; region: string; service: string }>;
  searchParams: Promise<Query>;
}) {
  const actor = await requireActor();
  if (!hasRole(actor.role, "developer")) return <Forbidden role={actor.role} needed="developer" />;
  const ref = await params;
  const detail = await getService(ref).catch((err) => {
    if (err instanceof NotFound) notFound();
    throw err;
  });
  const path = servicePath(ref);
  const q = await searchParams;
  const { values, changes } = prefill(defaultsFrom(detail.service), q);
  const reason = typeof q.reason === "string" ? q.reason.slice(0, 200) : null;
  return (
    <>
      <PageHeader
        title={`Deploy ${ref.service}`}
        description={
          <>
            A new revision from the current configuration with your changes.{" "}
            <Link href={path} className="text-indigo-600 underline underline-offset-2 dark:text-indigo-400">
              Back to the service
            </Link>
          </>
        }
      />
      {changes.length > 0 && (
        <div className="mb-4 max-w-3xl" data-testid="deploy-prefilled">
          <Notice>
            Prefilled from a right-sizing suggestion{reason ? ` (${reason})` : ""}: {changes.join(", ")}. Nothing
            changes until you review the form and deploy.
          </Notice>
        </div>
      )}
      <Panel className="max-w-3xl px-5 py-5">
        <DeployForm
          service={ref}
          etag={detail.service.etag}
          defaults={values}
          path={path}
          releaseSteps={describeSteps((await readPlan(db(), serviceName(ref))).plan)}
        />
      </Panel>
    </>
  );
}
