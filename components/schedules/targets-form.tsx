"use client";

import { updateScheduleTargets } from "./actions";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";

type Props = {
  schedule: { project: string; location: string; job: string };
  maxDurationSeconds: number | null;
  maxFreshnessHours: number | null;
};

/** The schedule's targets; a blank field means no target. */
export function TargetsForm({ schedule, maxDurationSeconds, maxFreshnessHours }: Props) {
  const { submit, pending, result, fieldErrors } = useAction(updateScheduleTargets);
  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    submit({ ...schedule, ...Object.fromEntries(new FormData(e.currentTarget)) });
  };
  return (
    <form
      onSubmit={onSubmit}
      aria-label="Edit targets"
      className="flex flex-wrap items-end gap-3 border-t border-zinc-200 px-4 py-3 dark:border-zinc-800"
    >
      <Field label="Run under (minutes)" htmlFor="target-duration" error={fieldErrors.maxDurationMinutes}>
        <Input
          id="target-duration"
          name="maxDurationMinutes"
          type="number"
          min={1}
          className="w-32"
          defaultValue={maxDurationSeconds === null ? "" : Math.round(maxDurationSeconds / 60)}
          placeholder="no target"
        />
      </Field>
      <Field label="Succeeded within (hours)" htmlFor="target-freshness" error={fieldErrors.maxFreshnessHours}>
        <Input
          id="target-freshness"
          name="maxFreshnessHours"
          type="number"
          min={1}
          className="w-32"
          defaultValue={maxFreshnessHours ?? ""}
          placeholder="no target"
        />
      </Field>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Saving…" : "Save targets"}
      </Button>
      {result && <Notice tone={result.ok ? "success" : "error"}>{result.ok ? result.message : result.error}</Notice>}
    </form>
  );
}
