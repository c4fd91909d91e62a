"use client";
// A service's alert policies: conditions in words, enabled state and open
// incidents; developers edit the threshold and duration, disable, enable and
// delete (after a confirmation that names the policy).
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import type { PolicyView } from "@/lib/alerting/policies";
import { TEMPLATES } from "@/lib/alerting/templates";
import { deleteAlertPolicy, setAlertPolicyEnabled, updateAlertPolicy } from "./actions";
import { useAction } from "@/components/ui/use-action";

type Props = { project: string; policies: PolicyView[]; openIncidents: Record<string, number>; canAct: boolean };

export function PolicyList({ project, policies, openIncidents, canAct }: Props) {
  return (
    <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
      {policies.map((p) => (
        <PolicyRow key={p.name} project={project} policy={p} open={openIncidents[p.name] ?? 0} canAct={canAct} />
      ))}
    </ul>
  );
}

function PolicyRow({
  project,
  policy: p,
  open,
  canAct,
}: {
  project: string;
  policy: PolicyView;
  open: number;
  canAct: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const toggle = useAction(setAlertPolicyEnabled);
  const remove = useAction(deleteAlertPolicy);
  const failed = [toggle.result, remove.result].find((r) => r && !r.ok);
  return (
    <li className="px-4 py-3" aria-label={`Policy ${p.displayName}`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{p.displayName}</span>
            {p.enabled ? <Badge tone="green">enabled</Badge> : <Badge>disabled</Badge>}
            {open > 0 && (
              <Badge tone="red">
                {open} open incident{open === 1 ? "" : "s"}
              </Badge>
            )}
          </div>
          <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-300">Alerts when {p.conditions}</p>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            {p.notificationChannels.length
              ? `Notifies ${p.notificationChannels.length} channel${p.notificationChannels.length === 1 ? "" : "s"}`
              : "Notifies no channel"}
            {p.template ? ` · from the "${TEMPLATES[p.template].title}" template` : " · made outside Runway"}
          </p>
        </div>
        {canAct && (
          <div className="flex gap-2">
            {p.threshold !== null && (
              <Button variant="secondary" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
                Edit
              </Button>
            )}
            <Button
              variant="secondary"
              disabled={toggle.pending}
              onClick={() => toggle.submit({ project, policyName: p.name, enabled: String(!p.enabled) })}
            >
              {p.enabled ? "Disable" : "Enable"}
            </Button>
            <Button variant="ghost" onClick={() => setConfirming(true)}>
              Delete
            </Button>
          </div>
        )}
      </div>
      {failed && !failed.ok && (
        <div className="mt-2">
          <Notice tone="error">{failed.error}</Notice>
        </div>
      )}
      {editing && <EditPolicy project={project} policy={p} onDone={() => setEditing(false)} />}
      <Dialog open={confirming} onClose={() => setConfirming(false)} label={`Delete ${p.displayName}`} className="w-96">
        <h2 className="font-medium">Delete “{p.displayName}”?</h2>
        <p className="text-sm">It stops alerting at once; incidents it opened stay in Runway&apos;s history.</p>
        {remove.result && !remove.result.ok && <Notice tone="error">{remove.result.error}</Notice>}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button
            variant="danger"
            disabled={remove.pending}
            onClick={() => remove.submit({ project, policyName: p.name }, (r) => r.ok && setConfirming(false))}
          >
            {remove.pending ? "Deleting…" : "Delete policy"}
          </Button>
        </div>
      </Dialog>
    </li>
  );
}

function EditPolicy({ project, policy: p, onDone }: { project: string; policy: PolicyView; onDone: () => void }) {
  const { submit, pending, result, fieldErrors: errors } = useAction(updateAlertPolicy);
  const [threshold, setThreshold] = useState(String(p.threshold ?? ""));
  const [duration, setDuration] = useState(String(p.durationSeconds ?? 0));
  const label = p.template ? TEMPLATES[p.template].thresholdLabel : "Threshold";
  const id = p.name.split("/").pop();
  return (
    <form
      aria-label={`Edit ${p.displayName}`}
      className="mt-3 flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ project, policyName: p.name, threshold, durationSeconds: duration }, (r) => r.ok && onDone());
      }}
    >
      <Field label={label} htmlFor={`threshold-${id}`} error={errors.threshold}>
        <Input
          id={`threshold-${id}`}
          inputMode="decimal"
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
          className="w-28"
        />
      </Field>
      <Field label="For at least (seconds)" htmlFor={`duration-${id}`} error={errors.durationSeconds}>
        <Input
          id={`duration-${id}`}
          inputMode="numeric"
          value={duration}
          onChange={(e) => setDuration(e.target.value)}
          className="w-28"
        />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save"}
      </Button>
      {result && !result.ok && !Object.keys(errors).length && <Notice tone="error">{result.error}</Notice>}
    </form>
  );
}
