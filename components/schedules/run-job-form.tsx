"use client";

import { runJob } from "./actions";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import { useAction } from "@/components/ui/use-action";

type Props = { job: { project: string; location: string; job: string }; taskCount: number; path: string };

/** Runs the Cloud Run job with optional overrides; its progress opens above (?op=…), as a deploy's does. */
export function RunJobForm({ job, taskCount, path }: Props) {
  const { submit, pending, result, fieldErrors } = useAction(runJob, { followAt: path });
  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    submit({ ...job, ...Object.fromEntries(new FormData(e.currentTarget)) });
  };
  const id = (f: string) => `run-${job.job}-${f}`;
  return (
    <form onSubmit={onSubmit} aria-label={`Run ${job.job}`} className="space-y-3 px-4 py-3">
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_8rem]">
        <Field label="Arguments (one per line; blank keeps the job's)" htmlFor={id("args")} error={fieldErrors.args}>
          <textarea
            id={id("args")}
            name="args"
            rows={3}
            className="rounded-md border border-zinc-500 bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900"
          />
        </Field>
        <Field label="Environment (NAME=value per line)" htmlFor={id("env")} error={fieldErrors.env}>
          <textarea
            id={id("env")}
            name="env"
            rows={3}
            className="rounded-md border border-zinc-500 bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900"
          />
        </Field>
        <Field label="Tasks" htmlFor={id("tasks")} error={fieldErrors.taskCount}>
          <Input id={id("tasks")} name="taskCount" type="number" min={1} placeholder={String(taskCount)} />
        </Field>
      </div>
      {result && !result.ok && <Notice tone="error">{result.error}</Notice>}
      <div className="flex justify-end">
        <Button type="submit" disabled={pending}>
          {pending ? "Starting…" : "Run job"}
        </Button>
      </div>
    </form>
  );
}
