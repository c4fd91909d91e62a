"use client";
// The service's release plan, edited by developers: every field bounded, and a
// refused save names each bad field (nothing is saved then).
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import { useAction } from "@/components/ui/use-action";
import type { ReleasePlan } from "@/lib/releases";
import { saveReleasePlan } from "./actions";

const FIELDS: { key: keyof ReleasePlan; label: string }[] = [
  { key: "steps", label: "Steps (% to the canary)" },
  { key: "stepSeconds", label: "Seconds per step" },
  { key: "checkSeconds", label: "Seconds between checks" },
  { key: "maxErrorPercent", label: "Max canary 5xx (%)" },
  { key: "errorMarginPoints", label: "…and above stable + (points)" },
  { key: "latencyFactor", label: "Max canary p99 (× stable)" },
  { key: "latencyFloorMs", label: "…and above (ms)" },
  { key: "failuresToAbort", label: "Failed checks in a row to abort" },
  { key: "minRequests", label: "Canary requests a step needs" },
];

export function PlanForm({
  service,
  plan,
}: {
  service: { project: string; region: string; service: string };
  plan: ReleasePlan;
}) {
  const [form, setForm] = useState<Record<string, string | boolean>>(() => ({
    ...Object.fromEntries(FIELDS.map((f) => [f.key, f.key === "steps" ? plan.steps.join(", ") : String(plan[f.key])])),
    promoteOnLowTraffic: plan.promoteOnLowTraffic,
    snoozeAlerts: plan.snoozeAlerts,
  }));
  const { submit, pending, result, fieldErrors: errors } = useAction(saveReleasePlan);
  return (
    <form
      aria-label="Release plan"
      className="space-y-3 px-4 py-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ ...service, ...form });
      }}
    >
      <div className="grid gap-3 sm:grid-cols-3">
        {FIELDS.map((f) => (
          <Field key={f.key} label={f.label} htmlFor={`plan-${f.key}`} error={errors[f.key]}>
            <Input
              id={`plan-${f.key}`}
              value={String(form[f.key])}
              onChange={(e) => setForm({ ...form, [f.key]: e.target.value })}
              inputMode={f.key === "steps" ? undefined : "decimal"}
            />
          </Field>
        ))}
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={Boolean(form.promoteOnLowTraffic)}
          onChange={(e) => setForm({ ...form, promoteOnLowTraffic: e.target.checked })}
        />
        Go on when a step ends with too little traffic (off: the release holds and asks a person)
      </label>
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-1"
          checked={Boolean(form.snoozeAlerts)}
          onChange={(e) => setForm({ ...form, snoozeAlerts: e.target.checked })}
        />
        <span>
          Snooze this service&apos;s alerts during a release
          <span className="block text-xs text-zinc-500 dark:text-zinc-400">
            When the release starts, Runway snoozes the notifications of every alert policy that watches this service
            (at most 16, Google&apos;s limit per snooze) in Cloud Monitoring, for the plan&apos;s longest possible
            duration; the snooze ends as soon as the release is promoted, aborted or fails. The release still judges the
            canary on its own checks. Off: alerts notify as usual during releases.
          </span>
        </span>
      </label>
      {result && (
        <Notice tone={result.ok ? "success" : "error"}>{result.ok ? "Release plan saved." : result.error}</Notice>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save plan"}
      </Button>
    </form>
  );
}
