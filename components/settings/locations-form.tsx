"use client";

import { useState } from "react";
import { updateLocations } from "./actions";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/panel";
import { useAction } from "@/components/ui/use-action";
import { locationLines, removedLocations, type LocationCoverage } from "@/lib/services/location-lines";

/** What a save would take out of the fleet, said before the admin saves. */
function RemovalPreview({ removed }: { removed: LocationCoverage[] }) {
  if (!removed.length) return null;
  const services = removed.reduce((n, r) => n + (r.services?.length ?? 0), 0);
  return (
    <div
      role="status"
      aria-label="What saving removes"
      className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200"
    >
      <p className="font-medium">
        Saving removes {removed.length} {removed.length === 1 ? "pair" : "pairs"} and the {services}{" "}
        {services === 1 ? "service" : "services"} the fleet shows from them:
      </p>
      <ul className="mt-1 list-disc pl-5 font-mono text-xs">
        {removed.map((r) => (
          <li key={r.pair}>
            {r.pair}:{" "}
            {r.services === null
              ? "services unknown (Cloud Run did not answer)"
              : r.services.length
                ? `${r.services.length} (${r.services.join(", ")})`
                : "no services"}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function LocationsForm({ initial, coverage }: { initial: string; coverage: LocationCoverage[] }) {
  const { submit, pending, result: state } = useAction(updateLocations);
  const [text, setText] = useState(initial);
  const empty = locationLines(text).length === 0;
  return (
    <form
      className="space-y-3 px-4 py-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ locations: text });
      }}
    >
      <label htmlFor="locations" className="block text-xs text-zinc-500 dark:text-zinc-400">
        One <code>project/region</code> a line. The fleet lists the services of each, in parallel.
      </label>
      <textarea
        id="locations"
        name="locations"
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={8}
        className="w-full rounded-md border border-zinc-500 bg-white p-2 font-mono text-xs dark:bg-zinc-900"
      />
      {empty ? (
        <Notice tone="error">Keep at least one project/region pair: an empty list would empty the fleet.</Notice>
      ) : (
        <RemovalPreview removed={removedLocations(coverage, text)} />
      )}
      {state &&
        (state.ok ? (
          <Notice tone="success">{state.message}</Notice>
        ) : (
          <Notice tone="error">{[state.error, ...Object.values(state.fieldErrors ?? {}).flat()].join(" ")}</Notice>
        ))}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save locations"}
      </Button>
    </form>
  );
}
