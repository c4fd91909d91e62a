"use client";

import { useActionState } from "react";
import { updateLocations } from "./actions";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/panel";

export function LocationsForm({ initial }: { initial: string }) {
  const [state, action, pending] = useActionState(updateLocations, null);
  return (
    <form action={action} className="space-y-3 px-4 py-3">
      <label htmlFor="locations" className="block text-xs text-zinc-500">One <code>project/region</code> a line. The fleet lists the services of each, in parallel.</label>
      <textarea id="locations" name="locations" defaultValue={initial} rows={8} className="w-full rounded-md border border-zinc-300 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900" />
      {state && (state.ok ? <Notice tone="success">{state.message}</Notice> : <Notice tone="error">{[state.error, ...Object.values(state.fieldErrors ?? {}).flat()].join(" ")}</Notice>)}
      <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save locations"}</Button>
    </form>
  );
}
