"use client";
// Turns blue/green into a canary: a ready revision with no traffic yet (one
// deployed under a tag, say) is released by the service's plan.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import { useAction } from "@/components/ui/use-action";
import { startRelease } from "./actions";

export function StartReleaseForm({
  service,
  etag,
  candidates,
  steps,
  path,
}: {
  service: { project: string; region: string; service: string };
  etag: string;
  candidates: string[];
  steps: string;
  path: string;
}) {
  const [revision, setRevision] = useState(candidates[0] ?? "");
  const { submit, pending, result, fieldErrors } = useAction(startRelease, { followAt: path });
  if (!candidates.length)
    return (
      <p className="px-4 py-3 text-sm text-zinc-500 dark:text-zinc-400">
        No ready revision without traffic to release. Deploy with &quot;Canary release&quot;, or with no traffic under a
        tag first.
      </p>
    );
  return (
    <form
      aria-label="Start a canary release"
      className="flex flex-wrap items-end gap-3 px-4 py-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ ...service, etag, revision });
      }}
    >
      <Field label="Revision with no traffic" htmlFor="release-revision" error={fieldErrors.revision}>
        <Select
          id="release-revision"
          value={revision}
          onChange={(e) => setRevision(e.target.value)}
          className="font-mono"
        >
          {candidates.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </Select>
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Starting…" : `Start canary release (${steps})`}
      </Button>
      {result && !result.ok && (
        <div className="w-full">
          <Notice tone="error">{result.error}</Notice>
        </div>
      )}
    </form>
  );
}
