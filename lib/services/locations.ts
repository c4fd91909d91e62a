// Which project/region pairs the fleet covers. Admins edit them in Settings;
// the first start bootstraps them from GCP_PROJECTS × GCP_REGIONS or, on the
// emulator, from the seeded fleet.
import type { Db } from "../db";

export type Location = { project: string; region: string };

/** The emulator's seeded fleet (see emulator/seed): the local default. */
export const EMULATOR_DEFAULT_LOCATIONS: Location[] = [
  { project: "intentvision-prod", region: "us-central1" },
  { project: "pyplots-prod", region: "europe-west4" },
  { project: "elevendops-prod", region: "us-central1" },
  { project: "shortfactory-prod", region: "us-central1" },
  { project: "ai-usage-analytics-prod", region: "us-central1" },
];

export function bootstrapLocations(opts: { projects: string[]; regions: string[]; emulator: boolean }): Location[] {
  if (opts.projects.length)
    return opts.projects.flatMap((project) =>
      (opts.regions.length ? opts.regions : ["us-central1"]).map((region) => ({ project, region })),
    );
  return opts.emulator ? EMULATOR_DEFAULT_LOCATIONS : [];
}

export async function listLocations(db: Db): Promise<Location[]> {
  return db.fleetLocation.findMany({
    orderBy: [{ project: "asc" }, { region: "asc" }],
    select: { project: true, region: true },
  });
}

/** Seeds the table once; later starts leave what admins chose alone. */
export async function ensureLocations(db: Db, defaults: Location[]): Promise<void> {
  if ((await db.fleetLocation.count()) > 0 || defaults.length === 0) return;
  await db.fleetLocation.createMany({
    data: defaults.map((l) => ({ ...l, addedBy: "bootstrap" })),
    skipDuplicates: true,
  });
}
