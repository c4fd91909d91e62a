// The Settings list of project/region pairs as text, one a line: read the same
// way by the save (update-locations.ts) and by the form's preview of what a save
// would remove. Pure, so the client form can use it.

/** "project/region" of each line ("p/r" or "p r"), trimmed, blank lines left out. */
export function locationLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The `project/region` key a line stands for (its first two words). */
export function locationKey(line: string): string {
  const [project = "", region = ""] = line.split(/[\s/]+/);
  return `${project}/${region}`;
}

export type LocationCoverage = {
  /** `project/region` */
  pair: string;
  /** Names of the services the fleet shows there now; null when Cloud Run did not answer. */
  services: string[] | null;
};

/** The pairs covered now that the text no longer lists, with what the fleet shows from them. */
export function removedLocations(current: LocationCoverage[], text: string): LocationCoverage[] {
  const kept = new Set(locationLines(text).map(locationKey));
  return current.filter((c) => !kept.has(c.pair));
}
