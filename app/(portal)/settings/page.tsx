import type { Metadata } from "next";
import { Forbidden } from "@/components/shell/forbidden";
import { Badge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { listFleet, listLocations, locationCoverage } from "@/lib/services";
import { LocationsForm } from "@/components/settings/locations-form";

export const metadata: Metadata = { title: "Settings" };

function databaseLabel(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

export default async function SettingsPage() {
  const actor = await requireActor();
  if (!hasRole(actor.role, "admin")) return <Forbidden role={actor.role} needed="admin" />;
  const cfg = config();
  const locations = await listLocations(db());
  // What each pair shows now, so the form can say what a save would remove.
  const coverage = locationCoverage(locations, await listFleet(locations));
  const rows: [string, React.ReactNode][] = [
    ["Google sign-in", cfg.auth.google ? <Badge tone="green">on</Badge> : <Badge>off</Badge>],
    ["Allowed domains", cfg.auth.allowedDomains.join(", ") || "—"],
    ["Bootstrap admins", cfg.auth.adminEmails.join(", ") || "—"],
    [
      "Local sign-in",
      cfg.auth.localSignIn ? <Badge tone="amber">on (one account per role, no password)</Badge> : <Badge>off</Badge>,
    ],
    [
      "Database",
      <code key="db" className="text-xs">
        {databaseLabel(cfg.databaseUrl)}
      </code>,
    ],
    ["Split left in place after", `${cfg.splitStaleHours} h (RUNWAY_SPLIT_STALE_HOURS)`],
    [
      "Google Cloud APIs",
      cfg.gcp.emulatorHost ? (
        <span key="gcp">
          local emulator at <code className="text-xs">{cfg.gcp.emulatorHost}</code>
        </span>
      ) : (
        "Google Cloud (Application Default Credentials)"
      ),
    ],
  ];
  return (
    <>
      <PageHeader title="Settings" description="What the fleet covers, and how this portal instance is configured." />
      <Panel title="Projects and regions" className="mb-5 max-w-3xl">
        <LocationsForm initial={locations.map((l) => `${l.project}/${l.region}`).join("\n")} coverage={coverage} />
      </Panel>
      <Panel title="Runtime configuration" className="max-w-3xl">
        <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.map(([k, v]) => (
            <div key={k} className="grid grid-cols-3 gap-4 px-4 py-2.5 text-sm">
              <dt className="text-zinc-500 dark:text-zinc-400">{k}</dt>
              <dd className="col-span-2">{v}</dd>
            </div>
          ))}
        </dl>
      </Panel>
    </>
  );
}
