import { z } from "zod";
import type { ActionDefinition } from "../actions";
import { invalidateFleet, type Fleet } from "./read";
import { locationLines, type LocationCoverage } from "./location-lines";
import { listLocations, type Location } from "./locations";
import { ServiceRefInput } from "./schemas";

const LocationInput = ServiceRefInput.pick({ project: true, region: true });

/** One `project/region` a line, as typed in Settings. */
export const UpdateLocationsInput = z.object({
  locations: z
    .string()
    .max(20_000)
    .transform(locationLines)
    .pipe(
      z
        .array(
          z.string().transform((line, ctx) => {
            const [project, region, extra] = line.split(/[\s/]+/);
            const parsed = LocationInput.safeParse({ project, region });
            if (!parsed.success || extra) {
              ctx.addIssue({
                code: "custom",
                message: `"${line}" is not "project/region" (e.g. my-project/us-central1).`,
              });
              return z.NEVER;
            }
            return parsed.data;
          }),
        )
        // An empty list would empty the fleet (and every page that reads it) in one click.
        .min(1, "Keep at least one project/region pair: an empty list would empty the fleet.")
        .max(500, "At most 500 locations."),
    ),
});

export const updateLocationsDefinition: ActionDefinition<typeof UpdateLocationsInput, { count: number }> = {
  name: "settings.update-locations",
  role: "admin",
  input: UpdateLocationsInput,
  target: () => "settings/locations",
  scope: () => "portal",
  async run({ db, actor }, { locations }) {
    const unique = [...new Map(locations.map((l: Location) => [`${l.project}/${l.region}`, l])).values()];
    const before = await listLocations(db);
    await db.$transaction([
      db.fleetLocation.deleteMany({}),
      db.fleetLocation.createMany({ data: unique.map((l) => ({ ...l, addedBy: actor.email })) }),
    ]);
    invalidateFleet();
    const fmt = (ls: Location[]) => ls.map((l) => `${l.project}/${l.region}`);
    return {
      data: { count: unique.length },
      message: `The fleet now covers ${unique.length} project/region pairs.`,
      details: { before: fmt(before), after: fmt(unique) },
    };
  },
};

/** What the fleet shows from each covered pair now, for the Settings preview of a save. */
export function locationCoverage(locations: Location[], fleet: Fleet): LocationCoverage[] {
  const failed = new Set(fleet.failures.map((f) => `${f.project}/${f.region}`));
  return locations.map(({ project, region }) => {
    const pair = `${project}/${region}`;
    return {
      pair,
      services: failed.has(pair)
        ? null
        : fleet.services.filter((s) => s.project === project && s.region === region).map((s) => s.id),
    };
  });
}
