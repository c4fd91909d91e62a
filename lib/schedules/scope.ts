// Actions reach only what Settings covers: a job, a Cloud Run job or a target
// outside the covered project/region pairs is a field error, and nothing is
// sent to Google.
import type { Db } from "../db";
import { Invalid } from "../errors";
import { listLocations, type Location } from "../services/locations";
import type { Scope } from "../scope";

export async function coveredLocations(db: Db, ref: { project: string; location: string }): Promise<Location[]> {
  const locations = await listLocations(db);
  if (!locations.some((l) => l.project === ref.project && l.region === ref.location)) {
    throw new Invalid("This is outside the covered projects.", {
      project: [`${ref.project}/${ref.location} is not among the covered projects and regions (Settings).`],
    });
  }
  return locations;
}

/** What the action guard checks against Settings for a Scheduler job or a Cloud Run job: its project and location. */
export const byJobLocation = ({ project, location }: { project: string; location: string }): Scope => ({
  project,
  region: location,
});
