import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Forbidden } from "@/components/shell/forbidden";
import { DeployForm, type DeployDefaults } from "@/components/services/deploy-form";
import { PageHeader, Panel } from "@/components/ui/panel";
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
    secrets: s.template.env.flatMap((e) => ("secret" in e ? [{ name: e.name, secret: e.secret, version: e.version }] : [])),
    cpu: ["1", "2", "4", "8"].includes(cpu) ? cpu : "1",
    memory: s.template.memory,
    minInstances: s.template.minInstances,
    maxInstances: s.template.maxInstances || 100,
    concurrency: s.template.concurrency || 80,
    timeoutSeconds: s.template.timeoutSeconds || 300,
  };
}

export default async function DeployPage({ params }: { params: Promise<{ project: string; region: string; service: string }> }) {
  const actor = await requireActor();
  if (!hasRole(actor.role, "developer")) return <Forbidden role={actor.role} needed="developer" />;
  const ref = await params;
  const detail = await getService(ref).catch((err) => {
    if (err instanceof NotFound) notFound();
    throw err;
  });
  const path = servicePath(ref);
  return (
    <>
      <PageHeader
        title={`Deploy ${ref.service}`}
        description={<>A new revision from the current configuration with your changes. <Link href={path} className="text-indigo-600 underline underline-offset-2 dark:text-indigo-400">Back to the service</Link></>}
      />
      <Panel className="max-w-3xl px-5 py-5">
        <DeployForm service={ref} etag={detail.service.etag} defaults={defaultsFrom(detail.service)} path={path} releaseSteps={describeSteps((await readPlan(db(), serviceName(ref))).plan)} />
      </Panel>
    </>
  );
}
